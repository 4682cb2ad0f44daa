package io.tradingdb.operator.api.v1alpha1.dbuser;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A PostgreSQL role with its password, memberships and privileges, kept true by the operator. */
@Group("tradingdb.io")
@Version("v1alpha1")
@Plural("dbusers")
@ShortNames("dbu")
@Categories("trading")
@AdditionalPrinterColumn(name = "Role", jsonPath = ".status.roleName", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Database", jsonPath = ".spec.target.tradingDatabase.name", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "External", jsonPath = ".spec.target.external.host", type = AdditionalPrinterColumn.Type.STRING, priority = 1)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class DbUser extends CustomResource<DbUserSpec, DbUserStatus> implements Namespaced {

  @Override
  protected DbUserStatus initStatus() {
    return new DbUserStatus();
  }
}
