package io.tradingdb.operator;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;

/** LOG_FORMAT=json: a line carries the SDK's resource context and the line's own key/value pairs. */
class JsonLogsTest {

  @Test
  void aJsonLineCarriesTheReconciledResourceAndItsKeyValuePairs() throws Exception {
    LoggerContext context = new LoggerContext();
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    configurator.doConfigure(getClass().getResource("/logback-json.xml"));
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    @SuppressWarnings("unchecked")
    Encoder<ILoggingEvent> encoder = ((ConsoleAppender<ILoggingEvent>) root.getAppender("OUT")).getEncoder();

    LoggingEvent event = new LoggingEvent(
        getClass().getName(), context.getLogger("io.tradingdb.operator.tradingdatabase.TradingDatabaseReconciler"),
        Level.INFO, "TradingDatabase {}/{}: phase {} -> {}", null, new Object[] {"trading", "prod", "Creating", "Ready"});
    // What the SDK puts in the MDC around a reconcile (MDCUtils), and what the reconciler adds.
    event.setMDCPropertyMap(Map.of("resource.name", "prod", "resource.namespace", "trading",
        "resource.kind", "TradingDatabase"));
    event.setKeyValuePairs(List.of(new KeyValuePair("namespace", "trading"),
        new KeyValuePair("tradingdatabase", "prod"), new KeyValuePair("phase", "Ready")));

    JsonNode line = new ObjectMapper().readTree(new String(encoder.encode(event), StandardCharsets.UTF_8));
    assertThat(line.path("message").asText()).isEqualTo("TradingDatabase {}/{}: phase {} -> {}");
    assertThat(line.path("mdc").path("resource.name").asText()).isEqualTo("prod");
    assertThat(line.path("mdc").path("resource.namespace").asText()).isEqualTo("trading");
    assertThat(line.path("kvpList").toString()).contains("\"tradingdatabase\":\"prod\"").contains("\"phase\":\"Ready\"");
    context.stop();
  }
}
