package io.tradingdb.operator.testsupport;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The Kubernetes {@code restricted} Pod Security Standard (baseline controls included) checked on a PodSpec, so a
 * unit test can prove a builder's pods would be admitted into a namespace labelled
 * {@code pod-security.kubernetes.io/enforce=restricted}. Follows the policy table of
 * kubernetes.io/docs/concepts/security/pod-security-standards (latest).
 */
public final class RestrictedPodSecurity {

  private static final Set<String> ALLOWED_VOLUME_SOURCES = Set.of(
      "configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret");
  private static final Set<String> SAFE_SYSCTLS = Set.of(
      "kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.ip_unprivileged_port_start",
      "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range", "net.ipv4.ip_local_reserved_ports",
      "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl",
      "net.ipv4.tcp_keepalive_probes");
  private static final Set<String> ALLOWED_SECCOMP = Set.of("RuntimeDefault", "Localhost");
  private static final Set<String> ALLOWED_SELINUX_TYPES =
      Set.of("container_t", "container_init_t", "container_kvm_t", "container_engine_t");

  private RestrictedPodSecurity() {}

  /** Fails with every violation listed when the pod would be rejected. */
  public static void assertRestricted(PodSpec pod) {
    List<String> violations = violations(pod);
    if (!violations.isEmpty()) {
      throw new AssertionError("pod violates the restricted Pod Security Standard:\n  " + String.join("\n  ", violations));
    }
  }

  /** What the admission controller would name, one line per violation; empty when admitted. */
  public static List<String> violations(PodSpec pod) {
    List<String> violations = new ArrayList<>();
    PodSecurityContext podContext = Objects.requireNonNullElseGet(pod.getSecurityContext(), PodSecurityContext::new);
    check(violations, !Boolean.TRUE.equals(pod.getHostNetwork()), "hostNetwork must not be true");
    check(violations, !Boolean.TRUE.equals(pod.getHostPID()), "hostPID must not be true");
    check(violations, !Boolean.TRUE.equals(pod.getHostIPC()), "hostIPC must not be true");
    check(violations, !Long.valueOf(0).equals(podContext.getRunAsUser()), "securityContext.runAsUser must not be 0");
    check(violations, seccompAllowed(podContext.getSeccompProfile(), true),
        "securityContext.seccompProfile.type must be RuntimeDefault or Localhost");
    check(violations, podContext.getWindowsOptions() == null
        || !Boolean.TRUE.equals(podContext.getWindowsOptions().getHostProcess()), "windowsOptions.hostProcess must not be true");
    check(violations, seLinuxAllowed(podContext.getSeLinuxOptions()), "securityContext.seLinuxOptions not allowed");
    if (podContext.getSysctls() != null) {
      podContext.getSysctls().stream().filter(s -> !SAFE_SYSCTLS.contains(s.getName()))
          .forEach(s -> violations.add("sysctl " + s.getName() + " is not in the safe set"));
    }
    for (Volume volume : Objects.requireNonNullElse(pod.getVolumes(), List.<Volume>of())) {
      String source = volumeSource(volume);
      check(violations, ALLOWED_VOLUME_SOURCES.contains(source),
          "volume " + volume.getName() + " uses " + source + ", not an allowed volume type");
    }
    for (ContainerView c : containers(pod)) {
      containerViolations(c, podContext).forEach(v -> violations.add("container " + c.name() + ": " + v));
    }
    return violations;
  }

  private static List<String> containerViolations(ContainerView c, PodSecurityContext pod) {
    List<String> v = new ArrayList<>();
    SecurityContext sc = Objects.requireNonNullElseGet(c.securityContext(), SecurityContext::new);
    check(v, !Boolean.TRUE.equals(sc.getPrivileged()), "privileged must not be true");
    check(v, Boolean.FALSE.equals(sc.getAllowPrivilegeEscalation()), "allowPrivilegeEscalation must be false");
    boolean nonRoot = sc.getRunAsNonRoot() != null ? sc.getRunAsNonRoot() : Boolean.TRUE.equals(pod.getRunAsNonRoot());
    check(v, nonRoot, "runAsNonRoot must be true (on the pod or the container)");
    check(v, !Long.valueOf(0).equals(sc.getRunAsUser()), "runAsUser must not be 0");
    boolean seccomp = sc.getSeccompProfile() != null
        ? seccompAllowed(sc.getSeccompProfile(), false)
        : pod.getSeccompProfile() != null && seccompAllowed(pod.getSeccompProfile(), false);
    check(v, seccomp, "seccompProfile.type must be RuntimeDefault or Localhost (on the pod or the container)");
    Capabilities caps = sc.getCapabilities();
    List<String> drop = caps == null || caps.getDrop() == null ? List.of() : caps.getDrop();
    List<String> add = caps == null || caps.getAdd() == null ? List.of() : caps.getAdd();
    check(v, drop.contains("ALL"), "capabilities.drop must contain ALL");
    add.stream().filter(a -> !"NET_BIND_SERVICE".equals(a))
        .forEach(a -> v.add("capabilities.add may only contain NET_BIND_SERVICE, not " + a));
    check(v, sc.getProcMount() == null || "Default".equals(sc.getProcMount()), "procMount must be Default");
    check(v, seLinuxAllowed(sc.getSeLinuxOptions()), "seLinuxOptions not allowed");
    check(v, sc.getWindowsOptions() == null || !Boolean.TRUE.equals(sc.getWindowsOptions().getHostProcess()),
        "windowsOptions.hostProcess must not be true");
    for (ContainerPort port : c.ports()) {
      check(v, port.getHostPort() == null || port.getHostPort() == 0, "hostPort " + port.getHostPort() + " is not allowed");
    }
    return v;
  }

  /** Unset is fine for the pod when every container sets it, so only a bad value fails there. */
  private static boolean seccompAllowed(SeccompProfile profile, boolean unsetAllowed) {
    return profile == null ? unsetAllowed : ALLOWED_SECCOMP.contains(profile.getType());
  }

  private static boolean seLinuxAllowed(io.fabric8.kubernetes.api.model.SELinuxOptions options) {
    return options == null
        || (options.getUser() == null && options.getRole() == null
            && (options.getType() == null || options.getType().isEmpty() || ALLOWED_SELINUX_TYPES.contains(options.getType())));
  }

  private static String volumeSource(Volume v) {
    if (v.getConfigMap() != null) return "configMap";
    if (v.getCsi() != null) return "csi";
    if (v.getDownwardAPI() != null) return "downwardAPI";
    if (v.getEmptyDir() != null) return "emptyDir";
    if (v.getEphemeral() != null) return "ephemeral";
    if (v.getPersistentVolumeClaim() != null) return "persistentVolumeClaim";
    if (v.getProjected() != null) return "projected";
    if (v.getSecret() != null) return "secret";
    if (v.getHostPath() != null) return "hostPath";
    return "another volume source";
  }

  private record ContainerView(String name, SecurityContext securityContext, List<ContainerPort> ports) {}

  private static List<ContainerView> containers(PodSpec pod) {
    Stream<ContainerView> regular = Stream.concat(
            Objects.requireNonNullElse(pod.getInitContainers(), List.<io.fabric8.kubernetes.api.model.Container>of()).stream(),
            Objects.requireNonNullElse(pod.getContainers(), List.<io.fabric8.kubernetes.api.model.Container>of()).stream())
        .map(c -> new ContainerView(c.getName(), c.getSecurityContext(), Objects.requireNonNullElse(c.getPorts(), List.of())));
    Stream<ContainerView> ephemeral =
        Objects.requireNonNullElse(pod.getEphemeralContainers(), List.<io.fabric8.kubernetes.api.model.EphemeralContainer>of())
            .stream()
            .map(c -> new ContainerView(c.getName(), c.getSecurityContext(), Objects.requireNonNullElse(c.getPorts(), List.of())));
    return Stream.concat(regular, ephemeral).toList();
  }

  private static void check(List<String> violations, boolean ok, String violation) {
    if (!ok) {
      violations.add(violation);
    }
  }
}
