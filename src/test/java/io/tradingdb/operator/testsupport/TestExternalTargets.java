package io.tradingdb.operator.testsupport;

import io.tradingdb.operator.kube.ExternalTargetPolicy;

/**
 * The external-target policy of the in-test operator: the tests' PostgreSQL is on this machine's
 * loopback, so loopback is allowed (in a cluster it is the operator pod's own and the chart denies it);
 * everything else the chart denies stays denied, and no other address is allowed.
 */
public final class TestExternalTargets {

  public static final String ALLOWED = "127.0.0.0/8";
  public static final String DENIED = "169.254.0.0/16,fe80::/10,0.0.0.0/8,::/128,fd00:ec2::254/128,"
      + "metadata.google.internal,metadata,instance-data,instance-data.ec2.internal";

  private TestExternalTargets() {}

  public static ExternalTargetPolicy policy() {
    return ExternalTargetPolicy.parse(ALLOWED, DENIED);
  }
}
