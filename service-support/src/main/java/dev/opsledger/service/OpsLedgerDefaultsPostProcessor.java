package dev.opsledger.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.support.ResourcePropertySource;

/**
 * Adds OpsLedger's binder defaults ({@code opsledger-defaults.properties}) with the lowest
 * precedence, so every service gets the same dead-letter, poison and record-size behaviour and any
 * setting of the user's wins.
 *
 * <p>It also hands the extra Kafka client properties ({@code opsledger.kafka.properties.*}, e.g.
 * SASL and TLS) to the Spring Cloud Stream Kafka binder as {@code
 * spring.cloud.stream.kafka.binder.configuration.*}, which the binder gives every client it makes
 * (consumers, producers, its admin client). A map cannot be copied with a placeholder, hence this
 * step; a {@code spring.cloud.stream.kafka.binder.configuration.*} the user sets still wins.
 *
 * <p>And it selects the log format: {@value #LOG_FORMAT} ({@code OPSLEDGER_LOG_FORMAT}) {@code
 * json} (Elastic Common Schema), {@code ecs}, {@code logstash} or {@code gelf} turns on Spring
 * Boot's structured logging on the console, one JSON object per line with the {@link LogContext}
 * fields; {@code text} (the default) keeps Spring Boot's plain lines. A {@code
 * logging.structured.format.console} the user sets still wins.
 */
public class OpsLedgerDefaultsPostProcessor implements EnvironmentPostProcessor {

  /** The property source that carries the client properties to the binder. */
  public static final String BINDER_CLIENT_PROPERTIES = "opsledger-kafka-binder-properties";

  /** The prefix of the binder's properties for every client it creates. */
  public static final String BINDER_CONFIGURATION =
      "spring.cloud.stream.kafka.binder.configuration.";

  /** The property that selects the log format. */
  public static final String LOG_FORMAT = "opsledger.log.format";

  /** The property source that carries the structured log format to Spring Boot. */
  public static final String LOG_FORMAT_PROPERTIES = "opsledger-log-format";

  /** Spring Boot's property of the console's structured log format. */
  static final String STRUCTURED_CONSOLE = "logging.structured.format.console";

  /**
   * Spring Boot's structured format for a value of {@value #LOG_FORMAT}, or {@code null} for plain
   * text.
   *
   * @throws IllegalArgumentException for a value that is no format, so a typo fails the start
   *     rather than silently logging text
   */
  public static String structuredFormat(String value) {
    String v = value == null ? "" : value.trim().toLowerCase(java.util.Locale.ROOT);
    return switch (v) {
      case "", "text" -> null;
      case "json", "ecs" -> "ecs";
      case "logstash", "gelf" -> v;
      default ->
          throw new IllegalArgumentException(
              LOG_FORMAT
                  + " (OPSLEDGER_LOG_FORMAT) is '"
                  + value
                  + "': expected text, json, ecs, logstash or gelf");
    };
  }

  @Override
  public void postProcessEnvironment(
      ConfigurableEnvironment environment, SpringApplication application) {
    Map<String, Object> binder = new LinkedHashMap<>();
    Binder.get(environment)
        .bind("opsledger.kafka.properties", Bindable.mapOf(String.class, String.class))
        .orElse(Map.of())
        .forEach((k, v) -> binder.put(BINDER_CONFIGURATION + k, v));
    environment.getPropertySources().remove(BINDER_CLIENT_PROPERTIES);
    if (!binder.isEmpty()) {
      environment
          .getPropertySources()
          .addLast(new MapPropertySource(BINDER_CLIENT_PROPERTIES, binder));
    }
    environment.getPropertySources().remove(LOG_FORMAT_PROPERTIES);
    String structured = structuredFormat(environment.getProperty(LOG_FORMAT));
    if (structured != null) {
      environment
          .getPropertySources()
          .addLast(
              new MapPropertySource(LOG_FORMAT_PROPERTIES, Map.of(STRUCTURED_CONSOLE, structured)));
    }
    try {
      if (!environment.getPropertySources().contains("opsledger-defaults")) {
        environment
            .getPropertySources()
            .addLast(
                new ResourcePropertySource(
                    "opsledger-defaults", new ClassPathResource("opsledger-defaults.properties")));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("opsledger-defaults.properties is missing from the jar", e);
    }
  }
}
