package io.tradingdb.operator.tradingdatabase.monitoring;

/** Every exporter container names its port this way, so one PodMonitor endpoint scrapes them all. */
public final class MetricsPort {

  public static final String NAME = "metrics";

  private MetricsPort() {}
}
