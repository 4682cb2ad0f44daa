package io.tradingdb.operator.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.Config;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientConfigTest {

  @TempDir
  Path dir;

  private Path kubeconfig(String user) throws IOException {
    return Files.writeString(dir.resolve("kubeconfig"), """
        apiVersion: v1
        kind: Config
        clusters:
        - name: local
          cluster: {server: "https://127.0.0.1:6443", certificate-authority-data: Y2E=}
        contexts:
        - name: local
          context: {cluster: local, user: me, namespace: trading}
        current-context: local
        users:
        - name: me
          user: %s
        """.formatted(user));
  }

  @Test
  void aCertificateKubeconfigIsNotReReadPerRequest() throws IOException {
    Path file = kubeconfig("{client-certificate-data: Y2VydA==, client-key-data: a2V5}");
    Config loaded = Config.fromKubeconfig(null, file.toFile());
    // fabric8 as it is: each refresh re-reads and re-parses the file and finds no token to keep.
    assertThat(loaded.refresh()).isNotSameAs(loaded);

    Config config = ClientConfig.withoutEmptyRefreshes(loaded);
    Files.delete(file);
    assertThat(config.refresh()).isSameAs(config);
    assertThat(config.getMasterUrl()).isEqualTo("https://127.0.0.1:6443/");
    assertThat(config.getNamespace()).isEqualTo("trading");
    assertThat(config.getClientCertData()).isEqualTo("Y2VydA==");
    assertThat(config.getClientKeyData()).isEqualTo("a2V5");
    assertThat(config.getCaCertData()).isEqualTo("Y2E=");
  }

  @Test
  void whatARefreshCanRenewIsLeftToFabric8() throws IOException {
    Config token = Config.fromKubeconfig(null, kubeconfig("{token: not-a-real-token}").toFile());
    assertThat(ClientConfig.withoutEmptyRefreshes(token)).isSameAs(token);

    Config exec = Config.fromKubeconfig(null, kubeconfig("""
        {client-certificate-data: Y2VydA==, client-key-data: a2V5,
                exec: {apiVersion: client.authentication.k8s.io/v1, command: /bin/false, interactiveMode: Never}}""")
        .toFile());
    assertThat(ClientConfig.withoutEmptyRefreshes(exec)).isSameAs(exec);
  }
}
