package io.tradingdb.operator.api.v1alpha1.backupschedule;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** Scheduled backups of one database to object storage or a volume, with retention and restore checks. */
@Group("tradingdb.io")
@Version("v1alpha1")
@Plural("backupschedules")
@ShortNames("bks")
@Categories("trading")
@AdditionalPrinterColumn(name = "Target", jsonPath = ".status.target", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Schedule", jsonPath = ".spec.schedule", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Last Success", jsonPath = ".status.lastSuccessTime", type = AdditionalPrinterColumn.Type.DATE)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class BackupSchedule extends CustomResource<BackupScheduleSpec, BackupScheduleStatus>
    implements Namespaced {

  /** Any new value starts a one-off backup Job named after it. */
  public static final String BACKUP_NOW_ANNOTATION = "tradingdb.io/backup-now";

  @Override
  protected BackupScheduleStatus initStatus() {
    return new BackupScheduleStatus();
  }
}
