package io.tradingdb.operator.api.v1alpha1.tradingdatabase;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A TimescaleDB cluster run by Patroni, with its pooler, monitoring and TLS. */
@Group("tradingdb.io")
@Version("v1alpha1")
@Plural("tradingdatabases")
@ShortNames("tdb")
@Categories("trading")
@AdditionalPrinterColumn(name = "Instances", jsonPath = ".status.instances", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Primary", jsonPath = ".status.currentPrimary", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Ready Instances", jsonPath = ".status.readyInstances", type = AdditionalPrinterColumn.Type.INTEGER, priority = 1)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class TradingDatabase extends CustomResource<TradingDatabaseSpec, TradingDatabaseStatus>
    implements Namespaced {

  public static final String GROUP = "tradingdb.io";

  @Override
  protected TradingDatabaseStatus initStatus() {
    return new TradingDatabaseStatus();
  }
}
