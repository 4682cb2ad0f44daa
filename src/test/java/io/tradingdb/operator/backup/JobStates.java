package io.tradingdb.operator.backup;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;

/** Jobs and pods in the states the Job controller and kubelet leave them in. */
final class JobStates {

  private JobStates() {}

  static Job job(String name, String kind, String started, String finished, boolean succeeded, String failedReason) {
    JobBuilder b = new JobBuilder().withNewMetadata().withName(name).withNamespace("trading")
        .addToLabels("app.kubernetes.io/instance", "nightly")
        .addToLabels(BackupWorkloads.JOB_KIND_LABEL, kind).endMetadata()
        .withNewStatus().withStartTime(started).endStatus();
    if (finished == null) {
      return b.editStatus().withActive(1).endStatus().build();
    }
    if (succeeded) {
      return b.editStatus().withSucceeded(1).withCompletionTime(finished)
          .addNewCondition().withType("Complete").withStatus("True").withLastTransitionTime(finished).endCondition()
          .endStatus().build();
    }
    return b.editStatus().withFailed(2)
        .addNewCondition().withType("Failed").withStatus("True").withReason(failedReason)
        .withMessage("Job has reached the specified backoff limit").withLastTransitionTime(finished).endCondition()
        .endStatus().build();
  }

  /** A finished pod of the Job whose container left {@code message} as its termination message. */
  static Pod pod(String jobName, String finished, int exitCode, String reason, String message) {
    return new PodBuilder().withNewMetadata().withName(jobName + "-x1").withNamespace("trading")
        .addToLabels("batch.kubernetes.io/job-name", jobName).endMetadata()
        .withNewStatus().addNewContainerStatus().withName("backup").withNewState().withNewTerminated()
        .withExitCode(exitCode).withReason(reason).withMessage(message).withFinishedAt(finished)
        .endTerminated().endState().endContainerStatus().endStatus().build();
  }
}
