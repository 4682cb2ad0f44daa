package io.tradingdb.operator.api.v1alpha1.backupschedule;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/**
 * Restore tests: restore the latest backup into a scratch database next to the target, check that
 * pg_restore exits cleanly, the expected tables exist and row counts match the backup's manifest.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class VerificationSpec {

  @JsonPropertyDescription("Run restore tests. Defaults to false.")
  private Boolean enabled;

  @Size(min = 1, max = 100)
  @JsonPropertyDescription("Cron schedule of the restore test. Defaults to monthly: '0 5 1 * *'.")
  private String schedule;

  @Size(max = 256)
  @JsonPropertyDescription(
      "Tables that must exist after the restore, as 'schema.table' or 'table' (schema public).")
  private List<@Size(min = 1, max = 127) String> expectedTables;

  public Boolean getEnabled() { return enabled; }
  public void setEnabled(Boolean enabled) { this.enabled = enabled; }
  public String getSchedule() { return schedule; }
  public void setSchedule(String schedule) { this.schedule = schedule; }
  public List<String> getExpectedTables() { return expectedTables; }
  public void setExpectedTables(List<String> expectedTables) { this.expectedTables = expectedTables; }
}
