package io.tradingdb.operator.backup;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.tradingdb.operator.api.v1alpha1.backupschedule.BackupSchedule;
import io.tradingdb.operator.kube.InformerCaches;
import io.tradingdb.operator.kube.Owners;
import java.util.List;

/** The ConfigMap with a schedule's scripts; written only when its content changes. */
@KubernetesDependent(informer = @Informer(informerListLimit = InformerCaches.LIST_LIMIT, labelSelector = BackupScheduleReconciler.SELECTOR))
public class BackupScriptsDependent extends CRUDKubernetesDependentResource<ConfigMap, BackupSchedule> {

  public BackupScriptsDependent() {
    super(ConfigMap.class);
  }

  @Override
  protected ConfigMap desired(BackupSchedule primary, Context<BackupSchedule> context) {
    ConfigMap scripts = BackupWorkloads.scriptsConfigMap(BackupScheduleReconciler.model(context));
    scripts.getMetadata().setOwnerReferences(List.of(Owners.controllerReference(primary)));
    return scripts;
  }
}
