package io.tradingdb.operator.tradingdatabase.patroni;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * One member as GET /cluster reports it.
 *
 * @param role leader, replica, sync_standby, quorum_standby or standby_leader
 * @param state running (a primary), streaming (a replica that receives WAL), starting, stopped, ...
 * @param lagBytes how far a replica's replay is behind, null when Patroni does not know
 * @param pendingParameters the parameters waiting for the restart (Patroni 3.3 and later say which)
 * @param credentials the version of the logins file the member has loaded (its "credentials" tag), or null
 */
public record Member(
    String name, String role, String state, String host, String apiUrl, boolean pendingRestart,
    List<String> pendingParameters, Long lagBytes, String credentials) {

  public Member(String name, String role, String state, String host, String apiUrl, boolean pendingRestart,
      List<String> pendingParameters, Long lagBytes) {
    this(name, role, state, host, apiUrl, pendingRestart, pendingParameters, lagBytes, null);
  }

  public boolean leader() {
    return "leader".equals(role) || "standby_leader".equals(role);
  }

  /** A replica that receives WAL from the leader. */
  public boolean streaming() {
    return !leader() && "streaming".equals(state);
  }

  public boolean running() {
    return leader() ? "running".equals(state) : streaming();
  }

  /** The member's own REST API, without the path Patroni appends (api_url ends in /patroni). */
  public String apiBase() {
    if (apiUrl == null) {
      return null;
    }
    int path = apiUrl.indexOf('/', apiUrl.indexOf("://") + 3);
    return path < 0 ? apiUrl : apiUrl.substring(0, path);
  }

  static Member of(Map<?, ?> m) {
    Object reason = m.get("pending_restart_reason");
    List<String> parameters = reason instanceof Map<?, ?> r
        ? List.copyOf(new TreeSet<>(r.keySet().stream().map(String::valueOf).toList())) : List.of();
    Object lag = m.get("lag");
    Object credentials = m.get("tags") instanceof Map<?, ?> tags ? tags.get("credentials") : null;
    return new Member(
        string(m.get("name")), string(m.get("role")), string(m.get("state")), string(m.get("host")),
        string(m.get("api_url")), Boolean.TRUE.equals(m.get("pending_restart")), parameters,
        lag instanceof Number n ? n.longValue() : null, string(credentials));
  }

  private static String string(Object value) {
    return value == null ? null : value.toString();
  }
}
