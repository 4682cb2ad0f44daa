package io.tradingdb.operator.backup;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One backup, verification or restore Job as observed: its state and the result its script wrote
 * to the pod's termination message (see result.sh emit_result).
 */
public record JobRun(
    String jobName, String kind, State state, Instant startedAt, Instant finishedAt, ScriptResult result,
    String failureReason, String failureMessage) {

  public enum State { RUNNING, SUCCEEDED, FAILED }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Logger LOG = LoggerFactory.getLogger(JobRun.class);

  /** The JSON object a script prints after TRADINGDB_RESULT; unknown fields are ignored. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record ScriptResult(
      String kind, String result, String reason, String message, String name, String backup,
      String location, Long sizeBytes, String checksum, String completedAt, Double durationSeconds,
      Map<String, Long> tableRowCounts, List<io.tradingdb.operator.api.v1alpha1.backupschedule.BackupCopyResult> copies,
      List<String> rolesMissing) {

    public boolean succeeded() {
      return "Succeeded".equals(result);
    }

    /** The result, or null when the text is not a script result (e.g. a log tail). */
    public static ScriptResult parse(String text) {
      if (text == null || !text.trim().startsWith("{")) {
        return null;
      }
      try {
        return JSON.readValue(text.trim(), ScriptResult.class);
      } catch (JsonProcessingException e) {
        // Shown without the text: a script's output is not ours to log.
        LOG.warn("a backup pod's termination message starts like a result but is not one: {}", e.getOriginalMessage());
        return null;
      }
    }
  }

  /** Reads a Job and the pods it started (matched by the job-name label). */
  public static JobRun from(Job job, List<Pod> pods) {
    String name = job.getMetadata().getName();
    String kind = job.getMetadata().getLabels() == null ? BackupWorkloads.JOB_KIND_BACKUP
        : job.getMetadata().getLabels().getOrDefault(BackupWorkloads.JOB_KIND_LABEL, BackupWorkloads.JOB_KIND_BACKUP);
    var status = job.getStatus();
    Optional<JobCondition> complete = condition(job, "Complete");
    Optional<JobCondition> failed = condition(job, "Failed");
    State state = complete.isPresent() || (status != null && status.getSucceeded() != null && status.getSucceeded() > 0)
        ? State.SUCCEEDED
        : failed.isPresent() ? State.FAILED : State.RUNNING;
    Optional<ContainerStateTerminated> terminated = pods.stream()
        .filter(p -> isPodOf(p, name))
        .flatMap(p -> p.getStatus() == null || p.getStatus().getContainerStatuses() == null
            ? Stream.<ContainerStatus>empty() : p.getStatus().getContainerStatuses().stream())
        .map(cs -> cs.getState() == null ? null : cs.getState().getTerminated())
        .filter(Objects::nonNull)
        .max(Comparator.comparing(t -> instant(t.getFinishedAt()), Comparator.nullsFirst(Comparator.naturalOrder())));
    ScriptResult result = terminated.map(t -> ScriptResult.parse(t.getMessage())).orElse(null);

    String reason = null;
    String message = null;
    if (state == State.FAILED) {
      if (result != null && !result.succeeded()) {
        reason = result.reason();
        message = result.message();
      } else if (terminated.isPresent() && "OOMKilled".equals(terminated.get().getReason())) {
        reason = "OutOfMemory";
        message = "the backup container was killed for using more memory than its limit";
      } else {
        reason = failed.map(JobCondition::getReason).orElse("JobFailed");
        message = failed.map(JobCondition::getMessage).orElse("the Job failed");
        String tail = terminated.map(ContainerStateTerminated::getMessage).orElse(null);
        if (tail != null && !tail.isBlank()) {
          message = message + "; last output: " + last(tail, 300);
        }
      }
    }
    Instant started = status == null ? null : instant(status.getStartTime());
    Instant finished = state == State.RUNNING ? null
        : status != null && status.getCompletionTime() != null ? instant(status.getCompletionTime())
        : failed.map(c -> instant(c.getLastTransitionTime()))
            .or(() -> terminated.map(t -> instant(t.getFinishedAt()))).orElse(null);
    return new JobRun(name, kind, state, started, finished, result, reason, message);
  }

  private static boolean isPodOf(Pod pod, String jobName) {
    Map<String, String> labels = pod.getMetadata().getLabels();
    return labels != null
        && (jobName.equals(labels.get("batch.kubernetes.io/job-name")) || jobName.equals(labels.get("job-name")));
  }

  private static Optional<JobCondition> condition(Job job, String type) {
    if (job.getStatus() == null || job.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return job.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus()))
        .findFirst();
  }

  static Instant instant(String text) {
    return text == null || text.isBlank() ? null : Instant.parse(text);
  }

  private static String last(String text, int max) {
    String t = text.strip();
    return t.length() <= max ? t : t.substring(t.length() - max);
  }
}
