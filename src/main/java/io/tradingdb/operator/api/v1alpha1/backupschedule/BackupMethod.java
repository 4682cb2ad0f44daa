package io.tradingdb.operator.api.v1alpha1.backupschedule;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The tool that takes the backup. */
public enum BackupMethod {
  @JsonProperty("pgDump") PG_DUMP,
  @JsonProperty("pgBackRest") PG_BACKREST
}
