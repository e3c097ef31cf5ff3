package dev.opsledger.collector;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;

/**
 * Runs the state-collector on its own. No component scan: every bean comes from {@link
 * StateCollectorConfiguration}, exactly as when all services share one process.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(StateCollectorConfiguration.class)
public class StateCollectorApplication {

  /** Starts the state-collector. */
  public static void main(String[] args) {
    SpringApplication.run(StateCollectorApplication.class, args);
  }
}
