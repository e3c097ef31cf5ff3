package dev.opsledger.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.support.ResourcePropertySource;

/**
 * Adds OpsLedger's binder defaults ({@code opsledger-defaults.properties}) with the lowest
 * precedence, so every service gets the same dead-letter, poison and record-size behaviour and any
 * setting of the user's wins.
 */
public class OpsLedgerDefaultsPostProcessor implements EnvironmentPostProcessor {

  @Override
  public void postProcessEnvironment(
      ConfigurableEnvironment environment, SpringApplication application) {
    try {
      environment
          .getPropertySources()
          .addLast(
              new ResourcePropertySource(
                  "opsledger-defaults", new ClassPathResource("opsledger-defaults.properties")));
    } catch (IOException e) {
      throw new UncheckedIOException("opsledger-defaults.properties is missing from the jar", e);
    }
  }
}
