package dev.opsledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.opsledger.service.core.LogContext;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/** {@code opsledger up}'s log file in each format. */
class LogFileEncoderTest {

  private final LoggerContext context = new LoggerContext();

  {
    // LogContext writes SLF4J's MDC: this context must read the same one.
    context.setMDCAdapter(MDC.getMDCAdapter());
  }

  @Test
  void jsonLinesCarryTheResourceAndTheCommitOfTheLineBeingLogged() throws Exception {
    LogFileEncoder encoder = encoder("json");
    String line;
    try (LogContext c = LogContext.of("e2e/apps/Deployment/shop/web", "3f2c9e1")) {
      line = encode(encoder, "applied");
    }

    JsonNode json = new ObjectMapper().readTree(line);
    assertThat(json.path("message").asText()).isEqualTo("applied");
    assertThat(json.path("resource").asText()).isEqualTo("e2e/apps/Deployment/shop/web");
    assertThat(json.path("sha").asText()).isEqualTo("3f2c9e1");
    assertThat(line).endsWith("\n").doesNotContain("\n{");
  }

  @Test
  void textIsTheDefaultAndFollowsThePattern() {
    LogFileEncoder encoder = encoder("text");
    assertThat(encode(encoder, "applied")).isEqualTo("INFO test - applied\n");
  }

  @Test
  void anUnknownFormatIsReportedAndFallsBackToText() {
    LogFileEncoder encoder = encoder("yaml");
    assertThat(encode(encoder, "applied")).isEqualTo("INFO test - applied\n");
    assertThat(context.getStatusManager().getCopyOfStatusList())
        .anyMatch(s -> s.getMessage().contains("expected text, json"));
  }

  @Test
  void aHostileResourceIsOneBoundedLineInTheLog() throws Exception {
    LogFileEncoder encoder = encoder("json");
    String hostile = "a/b\n{\"forged\":true}\r" + "x".repeat(10_000);
    String line;
    try (LogContext c = LogContext.of(hostile, null)) {
      line = encode(encoder, "applied");
    }

    JsonNode json = new ObjectMapper().readTree(line);
    assertThat(json.path("resource").asText())
        .hasSize(LogContext.MAX_LENGTH)
        .startsWith("a/b?{\"forged\":true}?")
        .doesNotContain("\n");
    assertThat(json.has("sha")).isFalse();
    assertThat(json.has("forged")).isFalse();
  }

  private LogFileEncoder encoder(String format) {
    LogFileEncoder encoder = new LogFileEncoder();
    encoder.setContext(context);
    encoder.setFormat(format);
    encoder.setPattern("%level %logger - %msg%n");
    encoder.start();
    return encoder;
  }

  private String encode(LogFileEncoder encoder, String message) {
    LoggingEvent event =
        new LoggingEvent(
            "test", context.getLogger("test"), Level.INFO, message, null, new Object[0]);
    event.prepareForDeferredProcessing();
    return new String(encoder.encode(event), StandardCharsets.UTF_8);
  }
}
