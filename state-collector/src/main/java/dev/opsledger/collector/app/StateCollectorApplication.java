package dev.opsledger.collector.app;

import dev.opsledger.collector.StateCollectorConfiguration;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;

/**
 * Runs the state-collector alone. It lives in its own package so that component scanning finds
 * nothing but this class: everything else is wired by {@link StateCollectorConfiguration}.
 */
@SpringBootApplication
@Import(StateCollectorConfiguration.class)
public class StateCollectorApplication {

  /** Starts the service. */
  public static void main(String[] args) {
    SpringApplication.run(StateCollectorApplication.class, args);
  }
}
