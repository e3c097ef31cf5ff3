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
 */
public class OpsLedgerDefaultsPostProcessor implements EnvironmentPostProcessor {

  /** The property source that carries the client properties to the binder. */
  public static final String BINDER_CLIENT_PROPERTIES = "opsledger-kafka-binder-properties";

  /** The prefix of the binder's properties for every client it creates. */
  public static final String BINDER_CONFIGURATION =
      "spring.cloud.stream.kafka.binder.configuration.";

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
