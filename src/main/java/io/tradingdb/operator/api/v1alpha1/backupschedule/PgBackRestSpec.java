package io.tradingdb.operator.api.v1alpha1.backupschedule;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;

/**
 * pgBackRest schedules. The full backup runs on {@code spec.schedule} unless fullSchedule is set;
 * WAL archiving is configured on the TradingDatabase.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PgBackRestSpec {

  @Size(min = 1, max = 100)
  @JsonPropertyDescription("Cron schedule of full backups. Defaults to spec.schedule.")
  private String fullSchedule;

  @Size(min = 1, max = 100)
  @JsonPropertyDescription("Cron schedule of differential backups (changes since the last full). Optional.")
  private String differentialSchedule;

  @Size(min = 1, max = 100)
  @JsonPropertyDescription("Cron schedule of incremental backups (changes since the last backup). Optional.")
  private String incrementalSchedule;

  public String getFullSchedule() { return fullSchedule; }
  public void setFullSchedule(String fullSchedule) { this.fullSchedule = fullSchedule; }
  public String getDifferentialSchedule() { return differentialSchedule; }
  public void setDifferentialSchedule(String differentialSchedule) { this.differentialSchedule = differentialSchedule; }
  public String getIncrementalSchedule() { return incrementalSchedule; }
  public void setIncrementalSchedule(String incrementalSchedule) { this.incrementalSchedule = incrementalSchedule; }
}
