package io.tradingdb.operator.api.v1alpha1.tradingdatabase;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import java.util.Objects;

/** One declared hypertable as the operator last found it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HypertableStatus {
  @JsonPropertyDescription("Schema of the hypertable.")
  private String schema;
  @JsonPropertyDescription("Name of the hypertable.")
  private String name;
  @JsonPropertyDescription("Applied, ObjectMissing (not a hypertable yet; retried), ApplyFailed or JobFailed.")
  private String state;
  @JsonPropertyDescription("One sentence on the state.")
  private String message;
  @JsonPropertyDescription("The table's retention and compression policy jobs (timescaledb_information.job_stats).")
  private List<PolicyJob> policies;

  public String getSchema() { return schema; }
  public void setSchema(String schema) { this.schema = schema; }
  public String getName() { return name; }
  public void setName(String name) { this.name = name; }
  public String getState() { return state; }
  public void setState(String state) { this.state = state; }
  public String getMessage() { return message; }
  public void setMessage(String message) { this.message = message; }
  public List<PolicyJob> getPolicies() { return policies; }
  public void setPolicies(List<PolicyJob> policies) { this.policies = policies; }

  @Override
  public boolean equals(Object o) {
    return o instanceof HypertableStatus h && Objects.equals(schema, h.schema) && Objects.equals(name, h.name)
        && Objects.equals(state, h.state) && Objects.equals(message, h.message) && Objects.equals(policies, h.policies);
  }

  @Override
  public int hashCode() {
    return Objects.hash(schema, name, state);
  }

  /** A policy job and its last run. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class PolicyJob {
    @JsonPropertyDescription("retention or compression.")
    private String policy;
    @JsonPropertyDescription("TimescaleDB job id (CALL run_job(id) runs it now).")
    private Integer jobId;
    @JsonPropertyDescription("When the last run started (RFC 3339); unset if it never ran.")
    private String lastRun;
    @JsonPropertyDescription("Result of the last run: Success or Failed.")
    private String lastResult;
    @JsonPropertyDescription("Failed runs since the job was created.")
    private Long totalFailures;
    @JsonPropertyDescription("When the job runs next (RFC 3339).")
    private String nextRun;

    public String getPolicy() { return policy; }
    public void setPolicy(String policy) { this.policy = policy; }
    public Integer getJobId() { return jobId; }
    public void setJobId(Integer jobId) { this.jobId = jobId; }
    public String getLastRun() { return lastRun; }
    public void setLastRun(String lastRun) { this.lastRun = lastRun; }
    public String getLastResult() { return lastResult; }
    public void setLastResult(String lastResult) { this.lastResult = lastResult; }
    public Long getTotalFailures() { return totalFailures; }
    public void setTotalFailures(Long totalFailures) { this.totalFailures = totalFailures; }
    public String getNextRun() { return nextRun; }
    public void setNextRun(String nextRun) { this.nextRun = nextRun; }

    @Override
    public boolean equals(Object o) {
      return o instanceof PolicyJob p && Objects.equals(policy, p.policy) && Objects.equals(jobId, p.jobId)
          && Objects.equals(lastRun, p.lastRun) && Objects.equals(lastResult, p.lastResult)
          && Objects.equals(totalFailures, p.totalFailures) && Objects.equals(nextRun, p.nextRun);
    }

    @Override
    public int hashCode() {
      return Objects.hash(policy, jobId, lastRun);
    }
  }
}
