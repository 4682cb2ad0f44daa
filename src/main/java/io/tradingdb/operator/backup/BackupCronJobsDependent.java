package io.tradingdb.operator.backup;

import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.CRUDKubernetesBulkDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.tradingdb.operator.api.v1alpha1.backupschedule.BackupSchedule;
import io.tradingdb.operator.kube.InformerCaches;
import io.tradingdb.operator.kube.Owners;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A schedule's CronJobs: the backup one(s) and the restore test's. One the schedule no longer asks
 * for (a removed pgBackRest type, verification turned off) is deleted; the others are written only
 * when their content changes.
 */
@KubernetesDependent(informer = @Informer(informerListLimit = InformerCaches.LIST_LIMIT, labelSelector = BackupScheduleReconciler.SELECTOR))
public class BackupCronJobsDependent extends KubernetesDependentResource<CronJob, BackupSchedule>
    implements CRUDKubernetesBulkDependentResource<CronJob, BackupSchedule>, GarbageCollected<BackupSchedule> {

  public BackupCronJobsDependent() {
    super(CronJob.class);
  }

  @Override
  public Map<ResourceID, CronJob> desiredResources(BackupSchedule primary, Context<BackupSchedule> context) {
    BackupModel model = BackupScheduleReconciler.model(context);
    List<CronJob> cronJobs = new ArrayList<>(BackupWorkloads.backupCronJobs(model));
    CronJob verify = BackupWorkloads.verifyCronJob(model);
    if (verify != null) {
      cronJobs.add(verify);
    }
    Map<ResourceID, CronJob> desired = new LinkedHashMap<>();
    for (CronJob cronJob : cronJobs) {
      cronJob.getMetadata().setOwnerReferences(List.of(Owners.controllerReference(primary)));
      desired.put(new ResourceID(cronJob.getMetadata().getName(), primary.getMetadata().getNamespace()), cronJob);
    }
    return desired;
  }

  @Override
  public Map<ResourceID, CronJob> getSecondaryResources(BackupSchedule primary, Context<BackupSchedule> context) {
    return context.getSecondaryResourcesAsStream(CronJob.class)
        .collect(Collectors.toMap(ResourceID::fromResource, c -> c));
  }
}
