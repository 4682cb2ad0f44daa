package io.tradingdb.operator.tradingdatabase.patroni;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.security.GeneralSecurityException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;

/**
 * Patroni's REST API, the only place that speaks it. Reads need no login; the calls that change
 * something (PATCH /config, POST /restart, POST /switchover) send the REST API user of the
 * cluster's replication Secret. Addresses are pod IPs on the pod network: HTTPS through
 * {@link #forCluster} when the cluster's REST API serves TLS (the certificate checked by a
 * {@link PatroniTrustManager} for that cluster), plain HTTP otherwise.
 */
public class PatroniClient {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** A restart or switchover answers only when it is done: PostgreSQL's stop and start included. */
  private static final Duration ACTION_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(5);

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

  private final HttpClient http;
  private final Tls tls;
  /** One HTTPS client per cluster (its pod domain), rebuilt only when the cluster's CA changes. */
  private final Map<String, PatroniClient> byCluster = new ConcurrentHashMap<>();

  public PatroniClient() {
    this(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT).build(), null);
  }

  PatroniClient(HttpClient http) {
    this(http, null);
  }

  /**
   * A cluster's REST API over TLS.
   *
   * @param caPem the CA certificates the cluster's REST API certificate must lead to (never logged)
   * @param podDomain {@code <headless Service>.<namespace>.svc}, which the certificate must name a pod of
   */
  public record Tls(String caPem, String podDomain) {
    @Override
    public String toString() {
      return "Tls[" + podDomain + "]";
    }
  }

  /**
   * The client for one cluster: this one when {@code tls} is null (an https URL then fails), else a
   * cached one whose https calls trust only that cluster's certificate.
   */
  public PatroniClient forCluster(Tls tls) {
    if (tls == null) {
      return this;
    }
    return byCluster.compute(tls.podDomain(), (domain, cached) ->
        cached != null && tls.equals(cached.tls) ? cached : new PatroniClient(https(tls), tls));
  }

  private PatroniClient(HttpClient http, Tls tls) {
    this.http = http;
    this.tls = tls;
  }

  private static HttpClient https(Tls tls) {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {new PatroniTrustManager(tls.caPem(), tls.podDomain())}, null);
      // TLS 1.2: Patroni answers HTTP/1.0 bodies that end when the connection closes, and the JDK 17
      // client never completes such a body after a TLS 1.3 close_notify (PatroniRestApiTlsIT hung on it).
      SSLParameters parameters = context.getDefaultSSLParameters();
      parameters.setProtocols(new String[] {"TLSv1.2"});
      return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT)
          .sslContext(context).sslParameters(parameters).build();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no TLS context for Patroni's REST API", e);
    }
  }

  /** The REST API user and password (never logged). */
  /**
   * @param previous the password before a rotation, tried when Patroni refuses {@code password}
   *     because a member has not reloaded its logins yet; null otherwise
   */
  public record Login(String username, String password, String previous) {
    public Login(String username, String password) {
      this(username, password, null);
    }

    @Override
    public String toString() {
      return "Login[" + username + "]";
    }

    String header() {
      return header(password);
    }

    private String header(String secret) {
      return "Basic " + Base64.getEncoder().encodeToString((username + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }
  }

  /** A call Patroni refused or could not be made; the message is Patroni's answer or the I/O error. */
  public static class PatroniException extends RuntimeException {
    private final int status;

    public PatroniException(String message, int status) {
      super(message);
      this.status = status;
    }

    /** The HTTP status, 0 when no answer came. */
    public int status() {
      return status;
    }
  }

  /** GET /config: the dynamic configuration in the DCS. */
  public Map<String, Object> config(String base) {
    return object(send(HttpRequest.newBuilder(uri(base, "/config")).GET().timeout(READ_TIMEOUT).build()));
  }

  /** PATCH /config: merges {@code patch} into the dynamic configuration (a null value removes a key). */
  public Map<String, Object> patchConfig(String base, Login login, Map<String, Object> patch) {
    return object(sendAs(login, auth -> HttpRequest.newBuilder(uri(base, "/config"))
        .method("PATCH", HttpRequest.BodyPublishers.ofString(json(patch)))
        .header("Content-Type", "application/json").header("Authorization", auth)
        .timeout(READ_TIMEOUT).build()));
  }

  /** GET /cluster: every member with its role, state, lag and pending restart. */
  public List<Member> cluster(String base) {
    Map<String, Object> body = object(send(HttpRequest.newBuilder(uri(base, "/cluster")).GET().timeout(READ_TIMEOUT).build()));
    List<Member> members = new ArrayList<>();
    Object list = body.get("members");
    if (list instanceof List<?> items) {
      for (Object item : items) {
        if (item instanceof Map<?, ?> m) {
          members.add(Member.of(m));
        }
      }
    }
    return members;
  }

  /** GET /patroni on one member's own API: its state, role and postmaster_start_time. */
  public Map<String, Object> member(String memberBase) {
    return object(send(HttpRequest.newBuilder(uri(memberBase, "/patroni")).GET().timeout(READ_TIMEOUT).build()));
  }

  /** POST /restart on one member's own API; answers when PostgreSQL is back (or failed to come back). */
  public String restart(String memberBase, Login login) {
    return sendAs(login, auth -> HttpRequest.newBuilder(uri(memberBase, "/restart"))
        .POST(HttpRequest.BodyPublishers.ofString("{}"))
        .header("Content-Type", "application/json").header("Authorization", auth)
        .timeout(ACTION_TIMEOUT).build());
  }

  /** POST /reload on one member's own API: Patroni re-reads its configuration, rewrites postgresql.conf and signals PostgreSQL. */
  public String reload(String memberBase, Login login) {
    return sendAs(login, auth -> HttpRequest.newBuilder(uri(memberBase, "/reload"))
        .POST(HttpRequest.BodyPublishers.ofString(""))
        .header("Authorization", auth)
        .timeout(READ_TIMEOUT).build());
  }

  /** POST /switchover from the current leader to {@code candidate}; answers when the candidate leads. */
  public String switchover(String base, Login login, String leader, String candidate) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("leader", leader);
    body.put("candidate", candidate);
    return sendAs(login, auth -> HttpRequest.newBuilder(uri(base, "/switchover"))
        .POST(HttpRequest.BodyPublishers.ofString(json(body)))
        .header("Content-Type", "application/json").header("Authorization", auth)
        .timeout(ACTION_TIMEOUT).build());
  }

  /** The REST API of a member at {@code host} (a pod IP). */
  public static String base(boolean https, String host, int port) {
    return (https ? "https://" : "http://") + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  /** With the login's password, and once more with the previous one when Patroni answers 401. */
  private String sendAs(Login login, java.util.function.Function<String, HttpRequest> request) {
    try {
      return send(request.apply(login.header()));
    } catch (PatroniException e) {
      if (e.status() != 401 || login.previous() == null) {
        throw e;
      }
      return send(request.apply(login.header(login.previous())));
    }
  }

  private String send(HttpRequest request) {
    var future = http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    try {
      // The request's own timeout ends at the headers; this one bounds the body too.
      HttpResponse<String> response =
          future.get(request.timeout().orElse(READ_TIMEOUT).plusSeconds(5).toMillis(), TimeUnit.MILLISECONDS);
      if (response.statusCode() / 100 != 2) {
        throw new PatroniException(request.method() + " " + request.uri().getPath() + " answered "
            + response.statusCode() + ": " + response.body().strip(), response.statusCode());
      }
      return response.body();
    } catch (ExecutionException | TimeoutException e) {
      future.cancel(true);
      Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
      throw new PatroniException(request.method() + " " + request.uri().getPath() + " on "
          + request.uri().getHost() + " failed: " + cause, 0);
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new PatroniException("interrupted", 0);
    }
  }


  private static URI uri(String base, String path) {
    return URI.create(base + path);
  }

  private static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, Object> object(String body) {
    try {
      return JSON.readValue(body, new TypeReference<Map<String, Object>>() {});
    } catch (IOException e) {
      throw new PatroniException("Patroni answered something that is not a JSON object: " + e.getMessage(), 200);
    }
  }
}
