package io.tradingdb.operator.tradingdatabase.workload;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.tradingdb.operator.kube.Labels;
import io.tradingdb.operator.tradingdatabase.model.ClusterModel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The logins Patroni uses, as a second file of its configuration directory beside patroni.yaml
 * (Patroni merges every *.yaml of the folder). They are not environment variables because Patroni
 * lays its environment over the files at every reload: only a file lets a POST /reload pick up a
 * rotated password without a restart. The {@value #TAG} tag carries a digest of the file, so GET
 * /cluster tells which members have loaded it.
 */
public final class PatroniCredentials {

  public static final String FILE = "credentials.yaml";
  public static final String TAG = "credentials";

  private static final YAMLMapper YAML = YAMLMapper.builder()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).build();

  /** The passwords Patroni needs; usernames are fixed except the superuser's. */
  public record Logins(String superuser, String superuserPassword, String replicationPassword, String restApiPassword) {
    @Override
    public String toString() {
      return "Logins[superuser=" + superuser + "]";
    }
  }

  private PatroniCredentials() {}

  public static Secret secret(ClusterModel model, Logins logins) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put(FILE, Base64.getEncoder().encodeToString(file(logins).getBytes(StandardCharsets.UTF_8)));
    return new SecretBuilder()
        .withNewMetadata()
        .withName(model.names().patroniCredentialsSecret())
        .withNamespace(model.names().namespace())
        .withLabels(Labels.of("tradingdatabase", model.names().cluster(), "credentials"))
        .endMetadata()
        .withType("Opaque")
        .withData(data)
        .build();
  }

  public static String file(Logins logins) {
    Map<String, Object> authentication = new LinkedHashMap<>();
    authentication.put("superuser", login(logins.superuser(), logins.superuserPassword()));
    // pg_rewind after a failover runs as the superuser.
    authentication.put("rewind", login(logins.superuser(), logins.superuserPassword()));
    authentication.put("replication", login(ClusterSecrets.REPLICATION_USER, logins.replicationPassword()));
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("postgresql", Map.of("authentication", authentication));
    doc.put("restapi", Map.of("authentication", login(ClusterSecrets.RESTAPI_USER, logins.restApiPassword())));
    doc.put("tags", Map.of(TAG, version(logins)));
    try {
      return YAML.writeValueAsString(doc);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A digest of the logins (16 hex digits of SHA-256): tells members apart, reveals nothing usable. */
  public static String version(Logins logins) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (String part : new String[] {logins.superuser(), logins.superuserPassword(), logins.replicationPassword(),
          logins.restApiPassword()}) {
        sha.update(String.valueOf(part).getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
      }
      return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, String> login(String username, String password) {
    Map<String, String> login = new LinkedHashMap<>();
    login.put("username", username);
    login.put("password", password);
    return login;
  }
}
