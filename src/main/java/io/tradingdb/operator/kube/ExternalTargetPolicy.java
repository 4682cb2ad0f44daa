package io.tradingdb.operator.kube;

import io.tradingdb.operator.api.v1alpha1.common.DatabaseTarget;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which hosts a DbUser or BackupSchedule may name in target.external (Helm values externalTargets,
 * environment EXTERNAL_TARGETS_ALLOWED and EXTERNAL_TARGETS_DENIED). Checked before any connection
 * or Job: a name is refused when it matches a denied entry, when any address it resolves to is denied,
 * or when neither the name nor every one of its addresses is allowed. Denied always wins.
 *
 * <p>Entries are CIDRs (a VPC range), single addresses, host names
 * (db.example.com) or name suffixes (*.rds.amazonaws.com). The connection resolves the name again,
 * so a DNS server that answers differently the second time (DNS rebinding) is not stopped here;
 * docs/security.md says what to do about it.
 */
public final class ExternalTargetPolicy {

  /** Every address, except what is denied. */
  public static final String DEFAULT_ALLOWED = "0.0.0.0/0,::/0";
  /**
   * Link-local (cloud metadata services live there: 169.254.169.254, fd00:ec2::254), the operator
   * pod's own loopback, "this network", and the metadata names of the big clouds.
   */
  public static final String DEFAULT_DENIED = "169.254.0.0/16,fe80::/10,127.0.0.0/8,::1/128,0.0.0.0/8,::/128,"
      + "fd00:ec2::254/128,metadata.google.internal,metadata,instance-data,instance-data.ec2.internal";

  private static final Pattern IP_LITERAL = Pattern.compile("^[0-9.]+$|^[0-9a-fA-F:.]*:[0-9a-fA-F:.]*$");
  private static final Pattern NAME = Pattern.compile("^(\\*\\.)?[a-z0-9]([-a-z0-9.]*[a-z0-9])?$");

  /** How names become addresses; tests pass their own to avoid DNS queries. */
  public interface Resolver {
    InetAddress[] resolve(String host) throws UnknownHostException;
  }

  private record Entry(String text, String name, InetAddress network, int prefix) {
    boolean matchesName(String host) {
      return name != null && (name.startsWith("*.") ? host.endsWith(name.substring(1)) : host.equals(name));
    }

    boolean contains(InetAddress address) {
      if (network == null || network.getAddress().length != address.getAddress().length) {
        return false;
      }
      int bits = network.getAddress().length * 8;
      BigInteger mask = prefix == 0 ? BigInteger.ZERO
          : BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE).shiftRight(bits - prefix).shiftLeft(bits - prefix);
      return new BigInteger(1, network.getAddress()).and(mask).equals(new BigInteger(1, address.getAddress()).and(mask));
    }
  }

  private final List<Entry> allowed;
  private final List<Entry> denied;
  private final Resolver resolver;

  private ExternalTargetPolicy(List<Entry> allowed, List<Entry> denied, Resolver resolver) {
    this.allowed = allowed;
    this.denied = denied;
    this.resolver = resolver;
  }

  /** The chart's defaults: any address but link-local, loopback and metadata names. */
  public static ExternalTargetPolicy defaults() {
    return parse(DEFAULT_ALLOWED, DEFAULT_DENIED);
  }

  /**
   * @param allowed comma-separated entries; empty allows nothing
   * @param denied comma-separated entries; empty denies nothing
   * @throws IllegalArgumentException naming an entry that is neither a CIDR nor a host name
   */
  public static ExternalTargetPolicy parse(String allowed, String denied) {
    return new ExternalTargetPolicy(entries(allowed), entries(denied), InetAddress::getAllByName);
  }

  /** The same lists with another resolver. */
  public ExternalTargetPolicy withResolver(Resolver other) {
    return new ExternalTargetPolicy(allowed, denied, other);
  }

  /** The allowed entries as configured, for the start-up log line. */
  public List<String> allowedEntries() {
    return allowed.stream().map(Entry::text).toList();
  }

  /** The denied entries as configured. */
  public List<String> deniedEntries() {
    return denied.stream().map(Entry::text).toList();
  }

  /**
   * Refuses an external target this operator may not connect to; a TradingDatabase target passes.
   *
   * @throws TargetNotAllowedException with a message for the user
   * @throws TargetUnavailableException when the name does not resolve (retried)
   */
  public void check(DatabaseTarget target) {
    if (target == null || target.getExternal() == null || target.getExternal().getHost() == null) {
      return;
    }
    check(target.getExternal().getHost());
  }

  /** See {@link #check(DatabaseTarget)}. */
  public void check(String rawHost) {
    String host = hostName(rawHost);
    String shown = "target.external.host '" + rawHost + "'";
    Optional<Entry> deniedName = denied.stream().filter(e -> e.matchesName(host)).findFirst();
    if (deniedName.isPresent()) {
      throw new TargetNotAllowedException(shown + " is denied by the operator's externalTargets.denied entry '"
          + deniedName.get().text() + "'");
    }
    InetAddress[] addresses;
    try {
      addresses = resolver.resolve(host);
    } catch (UnknownHostException | SecurityException e) {
      throw new TargetUnavailableException(shown + " does not resolve to an address");
    }
    for (InetAddress address : addresses) {
      Optional<Entry> deniedBy = denied.stream().filter(e -> e.contains(address)).findFirst();
      if (deniedBy.isPresent()) {
        throw new TargetNotAllowedException(shown + " resolves to " + address.getHostAddress()
            + ", which the operator's externalTargets.denied entry '" + deniedBy.get().text() + "' refuses");
      }
    }
    if (allowed.stream().anyMatch(e -> e.matchesName(host))) {
      return;
    }
    for (InetAddress address : addresses) {
      if (allowed.stream().noneMatch(e -> e.contains(address))) {
        throw new TargetNotAllowedException(shown + (IP_LITERAL.matcher(host).matches() ? "" : " (" + address.getHostAddress() + ")")
            + " is not in the operator's externalTargets.allowed list");
      }
    }
  }

  private static String hostName(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
  }

  private static List<Entry> entries(String list) {
    if (list == null || list.isBlank()) {
      return List.of();
    }
    return Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty())
        .map(ExternalTargetPolicy::entry).toList();
  }

  private static Entry entry(String text) {
    String lower = text.toLowerCase(Locale.ROOT);
    int slash = lower.indexOf('/');
    String address = slash < 0 ? lower : lower.substring(0, slash);
    if (IP_LITERAL.matcher(address).matches()) {
      try {
        // Only literals reach here, so this never asks DNS.
        InetAddress network = InetAddress.getByName(address);
        int bits = network.getAddress().length * 8;
        int prefix = slash < 0 ? bits : Integer.parseInt(lower.substring(slash + 1));
        if (prefix < 0 || prefix > bits) {
          throw new IllegalArgumentException("externalTargets entry '" + text + "': prefix must be 0 to " + bits);
        }
        return new Entry(text, null, network, prefix);
      } catch (UnknownHostException | NumberFormatException e) {
        throw new IllegalArgumentException("externalTargets entry '" + text + "' is not a CIDR or an address");
      }
    }
    if (slash >= 0 || !NAME.matcher(lower).matches()) {
      throw new IllegalArgumentException("externalTargets entry '" + text + "' is not a CIDR, address or host name");
    }
    return new Entry(text, lower, null, 0);
  }

  /** The target names a host the operator's settings do not allow; the user must change the spec. */
  public static class TargetNotAllowedException extends RuntimeException {
    public TargetNotAllowedException(String message) {
      super(message);
    }
  }
}
