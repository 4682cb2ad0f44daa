package io.tradingdb.operator.tradingdatabase;

import io.tradingdb.operator.api.v1alpha1.tradingdatabase.HypertableStatus;
import io.tradingdb.operator.kube.StatusMessages;
import io.tradingdb.operator.postgres.TimescalePolicies;
import io.tradingdb.operator.postgres.TimescalePolicies.Hypertable;
import io.tradingdb.operator.postgres.TimescalePolicies.Table;
import io.tradingdb.operator.tradingdatabase.status.PolicyOutcome;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One round of spec.timescaledb.hypertables: read what the database has, plan, execute the
 * difference (nothing when nothing differs), and read back each policy job's last run.
 */
public final class HypertablePolicyRun {

  private HypertablePolicyRun() {}

  /**
   * @param previous the status of the last round: tables listed there and no longer declared lose
   *     their policies; null or empty when none
   * @return null when no hypertable is declared or was managed before
   */
  public static PolicyOutcome reconcile(Connection connection, String database, List<Hypertable> desired,
      List<HypertableStatus> previous) throws SQLException {
    Set<Table> released = new LinkedHashSet<>();
    if (previous != null) {
      previous.forEach(p -> released.add(new Table(p.getSchema(), p.getName())));
    }
    desired.forEach(d -> released.remove(d.table()));
    if (desired.isEmpty() && released.isEmpty()) {
      return null;
    }
    if (!TimescalePolicies.installed(connection)) {
      String message = "the timescaledb extension is not installed in database " + database;
      List<HypertableStatus> tables = desired.stream()
          .map(d -> status(d.table(), PolicyOutcome.OBJECT_MISSING, message, List.of())).toList();
      return new PolicyOutcome(tables, PolicyOutcome.OBJECT_MISSING, message + "; retried", 0);
    }
    TimescalePolicies.Plan plan = TimescalePolicies.plan(desired, released, TimescalePolicies.read(connection));
    Map<Table, SQLException> failures = TimescalePolicies.execute(connection, plan);
    int executed = plan.tables().stream()
        .filter(t -> !failures.containsKey(t.table())).mapToInt(t -> t.sql().size()).sum();
    List<Table> declared = desired.stream().map(Hypertable::table).toList();
    List<TimescalePolicies.JobStats> stats = TimescalePolicies.jobStats(connection, declared);

    List<HypertableStatus> tables = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    List<String> failedJobs = new ArrayList<>();
    for (Table t : declared) {
      List<TimescalePolicies.JobStats> jobs = stats.stream().filter(s -> s.table().equals(t)).toList();
      if (plan.missing().contains(t)) {
        missing.add(t.toString());
        tables.add(status(t, PolicyOutcome.OBJECT_MISSING, t + " is not a hypertable yet", jobs));
      } else if (failures.containsKey(t)) {
        String why = StatusMessages.of(failures.get(t));
        failed.add(t + ": " + why);
        tables.add(status(t, PolicyOutcome.APPLY_FAILED, why, jobs));
      } else if (jobs.stream().anyMatch(TimescalePolicies.JobStats::failed)) {
        List<String> names = jobs.stream().filter(TimescalePolicies.JobStats::failed)
            .map(j -> policyName(j.proc()) + " job " + j.jobId()).toList();
        failedJobs.add(t + " (" + String.join(", ", names) + ")");
        tables.add(status(t, PolicyOutcome.JOB_FAILED, "the last run of " + String.join(" and ", names) + " failed; "
            + "see timescaledb_information.job_errors", jobs));
      } else {
        tables.add(status(t, PolicyOutcome.APPLIED, "policies as declared", jobs));
      }
    }
    if (!failed.isEmpty()) {
      return new PolicyOutcome(tables, PolicyOutcome.APPLY_FAILED, "policies could not be applied to " + String.join("; ", failed), executed);
    }
    if (!missing.isEmpty()) {
      return new PolicyOutcome(tables, PolicyOutcome.OBJECT_MISSING, String.join(", ", missing)
          + (missing.size() == 1 ? " is" : " are") + " not a hypertable yet; retried every 30s", executed);
    }
    if (!failedJobs.isEmpty()) {
      return new PolicyOutcome(tables, PolicyOutcome.JOB_FAILED, "TimescaleDB policy jobs failed on their last run: "
          + String.join(", ", failedJobs), executed);
    }
    return new PolicyOutcome(tables, PolicyOutcome.APPLIED, "retention and compression policies of " + declared.size()
        + " hypertables as declared", executed);
  }

  private static HypertableStatus status(Table t, String state, String message, List<TimescalePolicies.JobStats> jobs) {
    HypertableStatus s = new HypertableStatus();
    s.setSchema(t.schema());
    s.setName(t.name());
    s.setState(state);
    s.setMessage(message);
    s.setPolicies(jobs.isEmpty() ? null : jobs.stream().map(j -> {
      HypertableStatus.PolicyJob p = new HypertableStatus.PolicyJob();
      p.setPolicy(policyName(j.proc()));
      p.setJobId(j.jobId());
      p.setLastRun(j.lastRunStartedAt() == null ? null : j.lastRunStartedAt().toString());
      p.setLastResult(j.lastRunStatus());
      p.setTotalFailures(j.totalFailures());
      p.setNextRun(j.nextStart() == null ? null : j.nextStart().toString());
      return p;
    }).toList());
    return s;
  }

  private static String policyName(String proc) {
    return TimescalePolicies.RETENTION.equals(proc) ? "retention" : "compression";
  }
}
