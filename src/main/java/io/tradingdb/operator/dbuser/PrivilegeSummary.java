package io.tradingdb.operator.dbuser;

import io.tradingdb.operator.dbuser.DesiredRole.DefaultRule;
import io.tradingdb.operator.dbuser.DesiredRole.RelationRule;
import io.tradingdb.operator.dbuser.DesiredRole.SchemaRule;
import io.tradingdb.operator.postgres.ObjectKind;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/** The applied privileges in words for status, e.g. "SELECT,INSERT ON TABLE public.news_articles". */
final class PrivilegeSummary {

  static final int MAX_ENTRIES = 50;

  private PrivilegeSummary() {}

  /** @param missing objects the plan found missing, in its words ("table public.x"): not listed */
  static List<String> describe(DesiredRole role, String database, String adminRole, List<String> missing) {
    List<String> lines = new ArrayList<>();
    if (!role.databasePrivileges().isEmpty()) {
      lines.add(list(ObjectKind.DATABASE, role.databasePrivileges()) + " ON DATABASE " + database);
    }
    for (SchemaRule rule : role.schemaPrivileges()) {
      if (missing.contains("schema " + rule.schema())) {
        continue;
      }
      lines.add(list(ObjectKind.SCHEMA, rule.privileges()) + " ON SCHEMA " + rule.schema());
    }
    for (RelationRule rule : role.relations()) {
      boolean table = rule.kind() == ObjectKind.TABLE;
      String privileges = list(rule.kind(), rule.privileges());
      if (rule.all()) {
        lines.add(privileges + " ON ALL " + (table ? "TABLES" : "SEQUENCES") + " IN SCHEMA " + rule.schema());
      } else {
        String kind = table ? "TABLE" : "SEQUENCE";
        rule.names().stream().sorted()
            .filter(name -> !missing.contains(kind.toLowerCase() + " " + rule.schema() + "." + name))
            .forEach(name -> lines.add(privileges + " ON " + kind + " " + rule.schema() + "." + name));
      }
    }
    for (DefaultRule rule : role.defaults()) {
      lines.add("DEFAULT " + list(rule.kind(), rule.privileges()) + " ON "
          + (rule.kind() == ObjectKind.TABLE ? "TABLES" : "SEQUENCES") + " IN SCHEMA " + rule.schema()
          + " FOR ROLE " + (rule.creator() == null ? adminRole : rule.creator()));
    }
    role.memberOf().stream().filter(group -> !missing.contains("role " + group))
        .forEach(group -> lines.add("MEMBER OF " + group));
    if (lines.size() > MAX_ENTRIES) {
      int more = lines.size() - (MAX_ENTRIES - 1);
      List<String> bounded = new ArrayList<>(lines.subList(0, MAX_ENTRIES - 1));
      bounded.add("... and " + more + " more");
      return bounded;
    }
    return lines;
  }

  private static String list(ObjectKind kind, Collection<String> privileges) {
    return privileges.stream().sorted(kind.privilegeOrder()).collect(Collectors.joining(","));
  }
}
