package io.tradingdb.operator.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * A Slack incoming webhook on 127.0.0.1: accepts what Slack accepts (a JSON POST to a secret
 * path, answered "ok") and keeps each message with the time it arrived.
 */
final class SlackSink implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One delivered message: Slack's {channel, username, attachments[{title, text, color}]}. */
  record Message(Instant receivedAt, JsonNode body) {
    String channel() {
      return body.path("channel").asText();
    }

    String title() {
      return body.path("attachments").path(0).path("title").asText();
    }

    String text() {
      return body.path("attachments").path(0).path("text").asText();
    }

    @Override
    public String toString() {
      return title() + " | " + text().replace('\n', ' ');
    }
  }

  private final HttpServer server;
  private final String path = "/services/T0TRADING/B0ALERTS/" + UUID.randomUUID().toString().replace("-", "");
  private final List<Message> messages = new CopyOnWriteArrayList<>();
  private final List<String> rejected = new CopyOnWriteArrayList<>();

  SlackSink() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    server.createContext("/", exchange -> {
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      Instant now = Instant.now();
      int code;
      String answer;
      String type = exchange.getRequestHeaders().getFirst("Content-Type");
      if (!"POST".equals(exchange.getRequestMethod()) || !path.equals(exchange.getRequestURI().getPath())) {
        code = 404;
        answer = "no_service";
      } else if (type == null || !type.startsWith("application/json")) {
        code = 400;
        answer = "invalid_payload";
      } else {
        try {
          JsonNode json = JSON.readTree(body);
          // Slack refuses a message with neither text nor attachments.
          if (!json.hasNonNull("text") && !json.path("attachments").isArray()) {
            throw new IOException("no text or attachments");
          }
          messages.add(new Message(now, json));
          code = 200;
          answer = "ok";
        } catch (IOException e) {
          code = 400;
          answer = "invalid_payload";
        }
      }
      if (code != 200) {
        rejected.add(exchange.getRequestMethod() + " " + code);
      }
      byte[] bytes = answer.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(code, bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    });
    server.start();
  }

  /** The secret incoming-webhook URL; it goes into a Kubernetes Secret, as Slack's would. */
  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  List<Message> messages() {
    return List.copyOf(messages);
  }

  List<String> rejected() {
    return List.copyOf(rejected);
  }

  /** The first message after {@code since} matching {@code match}. */
  Message await(String what, Instant since, Predicate<Message> match, Duration timeout) {
    return org.awaitility.Awaitility.await(what).atMost(timeout).pollInterval(Duration.ofMillis(100)).until(
        () -> messages.stream().filter(m -> !m.receivedAt().isBefore(since)).filter(match).findFirst().orElse(null),
        m -> m != null);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
