package io.tradingdb.operator.api.v1alpha1.common;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.ValidationRule;

/** The PostgreSQL a BackupSchedule or DbUser works on: a TradingDatabase here, or an external server. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.tradingDatabase) != has(self.external)",
    message = "exactly one of target.tradingDatabase or target.external must be set")
public class DatabaseTarget {

  @JsonPropertyDescription(
      "A TradingDatabase in the same namespace. The operator connects to its read-write Service "
          + "with the superuser Secret.")
  private LocalObjectRef tradingDatabase;

  @JsonPropertyDescription(
      "An external PostgreSQL server (for example RDS or Supabase) reached with admin credentials "
          + "from a Secret.")
  private ExternalDatabase external;

  public DatabaseTarget() {}

  public static DatabaseTarget tradingDatabase(String name) {
    DatabaseTarget t = new DatabaseTarget();
    t.setTradingDatabase(new LocalObjectRef(name));
    return t;
  }

  public static DatabaseTarget external(ExternalDatabase external) {
    DatabaseTarget t = new DatabaseTarget();
    t.setExternal(external);
    return t;
  }

  public LocalObjectRef getTradingDatabase() { return tradingDatabase; }
  public void setTradingDatabase(LocalObjectRef tradingDatabase) { this.tradingDatabase = tradingDatabase; }
  public ExternalDatabase getExternal() { return external; }
  public void setExternal(ExternalDatabase external) { this.external = external; }
}
