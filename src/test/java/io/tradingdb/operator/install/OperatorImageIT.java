package io.tradingdb.operator.install;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.tradingdb.operator.testsupport.StandInImage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The operator image testenv/images/build.sh makes from the packaged jar runs the way the chart
 * starts it: the chart's user, its JVM options (with the class-data archive they name) and the
 * jar with its lib/ folder.
 */
class OperatorImageIT {

  @Test
  void operatorImageStartsTheJarAsTheChartRunsIt() {
    StandInImage image = StandInImage.build("operator");
    String repository = image.ref().substring(0, image.ref().lastIndexOf(':'));
    String tag = image.ref().substring(image.ref().lastIndexOf(':') + 1);
    Deployment deployment = Rendered.of("image:\n  repository: " + repository + "\n  tag: \"" + tag + "\"\n")
        .all(Deployment.class).get(0);
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    Container operator = pod.getContainers().get(0);
    Map<String, String> chartEnv = new LinkedHashMap<>();
    for (EnvVar var : operator.getEnv()) {
      if (var.getValue() != null) {
        chartEnv.put(var.getName(), var.getValue());
      }
    }

    assertThat(operator.getImage()).isEqualTo(image.ref());
    assertThat(image.uid()).isEqualTo(pod.getSecurityContext().getRunAsUser());
    assertThat(List.of(image.env().get("JAVA_TOOL_OPTIONS").split("\\s+")))
        .isEqualTo(List.of(chartEnv.get("JAVA_TOOL_OPTIONS").strip().split("\\s+")));
    assertThat(image.entrypoint()).containsExactly("java", "-jar", "/app/tradingdb-operator.jar");
    // -Xshare:on fails the start unless the class-data archive the options name maps.
    StandInImage.Result run = image.exec(pod.getSecurityContext().getRunAsUser(), pod.getSecurityContext().getRunAsGroup(),
        chartEnv, StandInImage.emptyDirMounts(pod, operator), StandInImage.readOnlyRoot(operator), 120, List.of("java", "-Xshare:on", "-cp", "/app/tradingdb-operator.jar", "io.tradingdb.operator.CdsTraining"));
    assertThat(run.exitCode()).as(run.output()).isZero();
  }
}
