package io.tradingdb.operator.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tradingdb.operator.kube.ExternalTargetPolicy.TargetNotAllowedException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The hostile corpus of target.external hosts. Names resolve through a table here, never through DNS;
 * the table's addresses are only compared, never contacted.
 */
class ExternalTargetPolicyTest {

  private final List<String> looked = new ArrayList<>();
  private final Map<String, List<String>> dns = Map.of(
      "db.example.com", List.of("198.18.0.10"),
      "rebind.example.com", List.of("198.18.0.11", "169.254.169.254"),
      "sixfour.example.com", List.of("fe80::1"),
      "loop.example.com", List.of("127.0.0.53"),
      "prod-db.rds.amazonaws.com", List.of("198.18.1.20"),
      "evilrds.amazonaws.com", List.of("198.18.1.21"),
      // What glibc and Java make of a bare 32-bit number: 127.0.0.1.
      "2130706433", List.of("127.0.0.1"));

  private ExternalTargetPolicy policy(String allowed, String denied) {
    return ExternalTargetPolicy.parse(allowed, denied).withResolver(this::resolve);
  }

  private InetAddress[] resolve(String host) throws UnknownHostException {
    looked.add(host);
    List<String> addresses = dns.get(host);
    if (addresses == null) {
      if (host.matches("^[0-9]{1,3}(\\.[0-9]{1,3}){3}$") || host.contains(":")) {
        return new InetAddress[] {InetAddress.getByName(host)};
      }
      throw new UnknownHostException(host);
    }
    List<InetAddress> out = new ArrayList<>();
    for (String a : addresses) {
      out.add(InetAddress.getByName(a));
    }
    return out.toArray(InetAddress[]::new);
  }

  @ParameterizedTest
  @ValueSource(strings = {"169.254.169.254", "169.254.170.2", "fe80::1", "FE80::a9fe:a9fe", "::ffff:169.254.169.254",
      "127.0.0.1", "127.1.2.3", "::1", "0.0.0.0", "::", "fd00:ec2::254", "2130706433", "169.254.169.254.",
      "metadata.google.internal", "METADATA.GOOGLE.INTERNAL.", "metadata", "instance-data",
      "rebind.example.com", "sixfour.example.com", "loop.example.com"})
  void theDefaultsRefuseMetadataLinkLocalAndLoopback(String host) {
    assertThatThrownBy(() -> policy(ExternalTargetPolicy.DEFAULT_ALLOWED, ExternalTargetPolicy.DEFAULT_DENIED).check(host))
        .isInstanceOf(TargetNotAllowedException.class)
        .hasMessageStartingWith("target.external.host '" + host + "'")
        .hasMessageContaining("externalTargets.denied");
  }

  @Test
  void deniedNamesAreRefusedWithoutAnyLookup() {
    assertThatThrownBy(() -> ExternalTargetPolicy.defaults().withResolver(this::resolve).check("metadata.google.internal"))
        .isInstanceOf(TargetNotAllowedException.class);
    assertThat(looked).isEmpty();
  }

  @Test
  void theDefaultsAllowOrdinaryHosts() {
    ExternalTargetPolicy defaults = policy(ExternalTargetPolicy.DEFAULT_ALLOWED, ExternalTargetPolicy.DEFAULT_DENIED);
    assertThatCode(() -> defaults.check("db.example.com")).doesNotThrowAnyException();
    assertThatCode(() -> defaults.check("198.18.0.10")).doesNotThrowAnyException();
    assertThat(looked).contains("db.example.com");
  }

  @Test
  void anAllowListAdmitsOnlyItsNamesAndNetworks() {
    ExternalTargetPolicy narrow = policy("*.rds.amazonaws.com,198.18.0.0/24", "169.254.0.0/16,fe80::/10");
    assertThatCode(() -> narrow.check("prod-db.rds.amazonaws.com")).doesNotThrowAnyException();
    assertThatCode(() -> narrow.check("db.example.com")).doesNotThrowAnyException();
    assertThatThrownBy(() -> narrow.check("198.18.1.20"))
        .isInstanceOf(TargetNotAllowedException.class).hasMessageContaining("is not in the operator's externalTargets.allowed");
    // A suffix never matches a longer name that merely ends with the same letters.
    assertThatThrownBy(() -> policy("*.rds.amazonaws.com", "").check("evilrds.amazonaws.com"))
        .isInstanceOf(TargetNotAllowedException.class);
    assertThatThrownBy(() -> policy("", "").check("198.18.0.10")).isInstanceOf(TargetNotAllowedException.class);
  }

  @Test
  void deniedWinsOverAllowedEvenForAnAllowedName() {
    ExternalTargetPolicy policy = policy("rebind.example.com", "169.254.0.0/16");
    assertThatThrownBy(() -> policy.check("rebind.example.com"))
        .isInstanceOf(TargetNotAllowedException.class)
        .hasMessageContaining("resolves to 169.254.169.254");
  }

  @Test
  void aNameThatDoesNotResolveIsRetriedNotAccepted() {
    assertThatThrownBy(() -> policy(ExternalTargetPolicy.DEFAULT_ALLOWED, "").check("nowhere.example.com"))
        .isInstanceOf(TargetUnavailableException.class).hasMessageContaining("does not resolve");
  }

  @ParameterizedTest
  @ValueSource(strings = {"198.18.0.0/33", "::/129", "db example.com", "http://x", "a/b/c", "*.*.example.com"})
  void malformedEntriesFailAtStartUp(String entry) {
    assertThatThrownBy(() -> ExternalTargetPolicy.parse(entry, ""))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(entry);
  }
}
