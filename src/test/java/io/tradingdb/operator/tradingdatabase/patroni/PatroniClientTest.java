package io.tradingdb.operator.tradingdatabase.patroni;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client against a stand-in of Patroni's REST API on 127.0.0.1: paths, methods, bodies, login. */
class PatroniClientTest {

  HttpServer server;
  String base;
  final List<String> seen = new CopyOnWriteArrayList<>();
  final PatroniClient.Login login = new PatroniClient.Login("patroni", "s3cret");

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      String auth = exchange.getRequestHeaders().getFirst("Authorization");
      seen.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + " " + body
          + (auth == null ? "" : " auth=" + auth));
      String answer;
      int status = 200;
      switch (exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath()) {
        case "GET /config", "PATCH /config" -> answer = "{\"ttl\":30,\"postgresql\":{\"parameters\":{\"work_mem\":\"4MB\"}}}";
        case "GET /cluster" -> answer = """
            {"members":[{"name":"db-0","role":"leader","state":"running","api_url":"http://198.18.0.10:8008/patroni",
              "host":"198.18.0.10","port":5432,"timeline":2,"pending_restart":true,
              "pending_restart_reason":{"shared_buffers":{"old_value":"128MB","new_value":"256MB"}}},
             {"name":"db-1","role":"sync_standby","state":"streaming","api_url":"http://198.18.0.11:8008/patroni",
              "host":"198.18.0.11","port":5432,"timeline":2,"lag":0}],"scope":"db"}""";
        case "POST /switchover" -> {
          status = 412;
          answer = "candidate name does not match with sync_standby";
        }
        default -> answer = "restarted successfully";
      }
      byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(status, bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    });
    server.start();
    base = PatroniClient.base(false, "127.0.0.1", server.getAddress().getPort());
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void readsWithoutLoginAndChangesWithIt() {
    PatroniClient client = new PatroniClient();
    assertThat(ParameterPlan.parametersOf(client.config(base))).containsEntry("work_mem", "4MB");
    client.patchConfig(base, login, ParameterPlan.of(Map.of("work_mem", "64MB"), Map.of("work_mem", "4MB")).body());
    assertThat(client.restart(base, login)).isEqualTo("restarted successfully");
    client.reload(base, login);
    assertThat(seen).containsExactly(
        "GET /config ",
        "PATCH /config {\"postgresql\":{\"parameters\":{\"work_mem\":\"64MB\"}}} auth=Basic cGF0cm9uaTpzM2NyZXQ=",
        "POST /restart {} auth=Basic cGF0cm9uaTpzM2NyZXQ=",
        "POST /reload  auth=Basic cGF0cm9uaTpzM2NyZXQ=");
    assertThat(login.toString()).doesNotContain("s3cret");
  }

  @Test
  void membersWithRolesLagAndPendingRestart() {
    List<Member> members = new PatroniClient().cluster(base);
    assertThat(members).containsExactly(
        new Member("db-0", "leader", "running", "198.18.0.10", "http://198.18.0.10:8008/patroni", true,
            List.of("shared_buffers"), null),
        new Member("db-1", "sync_standby", "streaming", "198.18.0.11", "http://198.18.0.11:8008/patroni", false,
            List.of(), 0L));
    assertThat(members.get(0).running()).isTrue();
    assertThat(members.get(1).streaming()).isTrue();
  }

  @Test
  void aRefusalCarriesPatronisAnswer() {
    assertThatThrownBy(() -> new PatroniClient().switchover(base, login, "db-0", "db-2"))
        .isInstanceOf(PatroniClient.PatroniException.class)
        .hasMessage("POST /switchover answered 412: candidate name does not match with sync_standby");
    assertThat(seen).containsExactly(
        "POST /switchover {\"leader\":\"db-0\",\"candidate\":\"db-2\"} auth=Basic cGF0cm9uaTpzM2NyZXQ=");
  }
}
