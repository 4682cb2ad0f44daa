package io.tradingdb.operator.api.v1alpha1.backupschedule;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

/**
 * pgBackRest schedules. The full backup runs on {@code spec.schedule} unless fullSchedule is set;
 * WAL archiving and the repository are configured on the TradingDatabase (spec.pgBackRest).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PgBackRestSpec {

  static final String CRON = "^(@(yearly|annually|monthly|weekly|daily|midnight|hourly)|(\\S+\\s+){4}\\S+)$";

  @Size(min = 1, max = 100)
  @Pattern(CRON)
  @JsonPropertyDescription("Cron schedule of full backups. Defaults to spec.schedule.")
  private String fullSchedule;

  @Size(min = 1, max = 100)
  @Pattern(CRON)
  @JsonPropertyDescription("Cron schedule of differential backups (changes since the last full). Optional.")
  private String differentialSchedule;

  @Size(min = 1, max = 100)
  @Pattern(CRON)
  @JsonPropertyDescription("Cron schedule of incremental backups (changes since the last backup). Optional.")
  private String incrementalSchedule;

  public String getFullSchedule() { return fullSchedule; }
  public void setFullSchedule(String fullSchedule) { this.fullSchedule = fullSchedule; }
  public String getDifferentialSchedule() { return differentialSchedule; }
  public void setDifferentialSchedule(String differentialSchedule) { this.differentialSchedule = differentialSchedule; }
  public String getIncrementalSchedule() { return incrementalSchedule; }
  public void setIncrementalSchedule(String incrementalSchedule) { this.incrementalSchedule = incrementalSchedule; }
}
