package io.tradingdb.operator.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import java.util.stream.Stream;

class RestrictedPodSecurityTest {

  /** A pod that passes: non-root, no escalation, all capabilities dropped, RuntimeDefault seccomp. */
  private static PodSpecBuilder good() {
    return new PodSpecBuilder()
        .withNewSecurityContext()
        .withRunAsNonRoot(true)
        .withRunAsUser(1000L)
        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
        .endSecurityContext()
        .addNewContainer()
        .withName("app")
        .withImage("busybox")
        .addNewPort().withContainerPort(8080).endPort()
        .withNewSecurityContext()
        .withAllowPrivilegeEscalation(false)
        .withNewCapabilities().withDrop("ALL").withAdd("NET_BIND_SERVICE").endCapabilities()
        .endSecurityContext()
        .endContainer()
        .addNewVolume().withName("tmp").withNewEmptyDir().endEmptyDir().endVolume()
        .addNewVolume().withName("conf").withNewConfigMap().withName("c").endConfigMap().endVolume();
  }

  @Test
  void compliantPodPasses() {
    RestrictedPodSecurity.assertRestricted(good().build());
  }

  @Test
  void containerLevelSettingsMayStandInForThePods() {
    PodSpec pod = good()
        .withNewSecurityContext().endSecurityContext()
        .editFirstContainer()
        .editSecurityContext()
        .withRunAsNonRoot(true)
        .withNewSeccompProfile().withType("Localhost").withLocalhostProfile("p.json").endSeccompProfile()
        .endSecurityContext()
        .endContainer()
        .build();
    RestrictedPodSecurity.assertRestricted(pod);
  }

  static Stream<Arguments> violations() {
    return Stream.of(
        bad("hostNetwork must not be true", b -> b.withHostNetwork(true)),
        bad("hostPID must not be true", b -> b.withHostPID(true)),
        bad("hostIPC must not be true", b -> b.withHostIPC(true)),
        bad("volume host uses hostPath", b -> b.addNewVolume().withName("host").withNewHostPath().withPath("/").endHostPath().endVolume()),
        bad("volume nfs uses another volume source",
            b -> b.addNewVolume().withName("nfs").withNewNfs().withServer("n").withPath("/").endNfs().endVolume()),
        bad("privileged must not be true", b -> b.editFirstContainer().editSecurityContext().withPrivileged(true).endSecurityContext().endContainer()),
        bad("allowPrivilegeEscalation must be false",
            b -> b.editFirstContainer().editSecurityContext().withAllowPrivilegeEscalation(null).endSecurityContext().endContainer()),
        bad("runAsNonRoot must be true", b -> b.editSecurityContext().withRunAsNonRoot(null).endSecurityContext()),
        bad("runAsNonRoot must be true",
            b -> b.editFirstContainer().editSecurityContext().withRunAsNonRoot(false).endSecurityContext().endContainer()),
        bad("runAsUser must not be 0", b -> b.editSecurityContext().withRunAsUser(0L).endSecurityContext()),
        bad("seccompProfile.type must be RuntimeDefault or Localhost",
            b -> b.editSecurityContext().withSeccompProfile(null).endSecurityContext()),
        bad("seccompProfile.type must be RuntimeDefault or Localhost",
            b -> b.editSecurityContext().editSeccompProfile().withType("Unconfined").endSeccompProfile().endSecurityContext()),
        bad("capabilities.drop must contain ALL",
            b -> b.editFirstContainer().editSecurityContext().editCapabilities().withDrop("NET_RAW").endCapabilities()
                .endSecurityContext().endContainer()),
        bad("capabilities.add may only contain NET_BIND_SERVICE, not SYS_ADMIN",
            b -> b.editFirstContainer().editSecurityContext().editCapabilities().addToAdd("SYS_ADMIN").endCapabilities()
                .endSecurityContext().endContainer()),
        bad("hostPort 5432 is not allowed",
            b -> b.editFirstContainer().editFirstPort().withHostPort(5432).endPort().endContainer()),
        bad("container init: allowPrivilegeEscalation must be false",
            b -> b.addNewInitContainer().withName("init").withImage("busybox").endInitContainer()),
        bad("sysctl kernel.msgmax is not in the safe set",
            b -> b.editSecurityContext().addNewSysctl().withName("kernel.msgmax").withValue("1").endSysctl().endSecurityContext()));
  }

  private static Arguments bad(String violation, UnaryOperator<PodSpecBuilder> change) {
    return Arguments.of(violation, change);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("violations")
  void eachViolationIsNamed(String violation, UnaryOperator<PodSpecBuilder> change) {
    PodSpec pod = change.apply(good()).build();

    assertThat(RestrictedPodSecurity.violations(pod)).anySatisfy(v -> assertThat(v).contains(violation));
    assertThatThrownBy(() -> RestrictedPodSecurity.assertRestricted(pod)).hasMessageContaining(violation);
  }
}
