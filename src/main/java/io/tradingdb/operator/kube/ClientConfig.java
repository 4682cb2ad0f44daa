package io.tradingdb.operator.kube;

import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;

/**
 * The Kubernetes client's configuration. fabric8's token refresh re-reads the configuration before
 * a request when its last successful refresh is over a minute old, and only a refresh that finds a
 * token counts as successful. A kubeconfig that authenticates with a client certificate has no
 * token, so from the second minute on every request re-read and re-parsed the kubeconfig: 16.5% of
 * the operator's CPU samples while 1,000 TradingDatabases converged (issue 18). Such a
 * configuration is detached from its file here; anything that can refresh (a token, a service
 * account, an exec plugin, an auth provider) keeps fabric8's behaviour.
 */
public final class ClientConfig {

  private ClientConfig() {}

  /** The configuration fabric8 finds (kubeconfig, else the pod's service account), as {@link #withoutEmptyRefreshes} leaves it. */
  public static Config load() {
    return withoutEmptyRefreshes(Config.autoConfigure(null));
  }

  /**
   * The same configuration, not re-read per request when it holds nothing a refresh could renew:
   * a client certificate without any token, auth provider, basic login or exec plugin.
   */
  public static Config withoutEmptyRefreshes(Config config) {
    if (!certificateOnly(config)) {
      return config;
    }
    return new ConfigBuilder(config).withAutoConfigure(false).withCurrentContext(null).build();
  }

  static boolean certificateOnly(Config config) {
    boolean certificate = present(config.getClientCertData()) || present(config.getClientCertFile());
    boolean token = present(config.getOauthToken()) || present(config.getAutoOAuthToken())
        || config.getOauthTokenProvider() != null;
    boolean basic = present(config.getUsername()) && present(config.getPassword());
    return certificate && !token && !basic && config.getAuthProvider() == null && !mayUseExecPlugin(config);
  }

  /** Whether the kubeconfig user runs an exec plugin (its certificates may rotate); true when unsure. */
  private static boolean mayUseExecPlugin(Config config) {
    NamedContext context = config.getCurrentContext();
    File file = config.getFileWithAuthInfo();
    if (context == null || context.getContext() == null || file == null) {
      return file != null;
    }
    try {
      io.fabric8.kubernetes.api.model.Config kubeconfig = Serialization.unmarshal(
          Files.readString(file.toPath()), io.fabric8.kubernetes.api.model.Config.class);
      String user = context.getContext().getUser();
      return kubeconfig.getUsers() == null || kubeconfig.getUsers().stream()
          .filter(u -> u.getName() != null && u.getName().equals(user))
          .anyMatch(u -> u.getUser() == null || u.getUser().getExec() != null);
    } catch (IOException | RuntimeException e) {
      return true;
    }
  }

  private static boolean present(String value) {
    return value != null && !value.isEmpty();
  }
}
