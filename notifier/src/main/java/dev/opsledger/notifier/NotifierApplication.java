package dev.opsledger.notifier;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;

/**
 * Runs the notifier on its own. No component scan: every bean comes from {@link
 * NotifierConfiguration}, exactly as when all services share one process.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(NotifierConfiguration.class)
public class NotifierApplication {

  /** Starts the notifier. */
  public static void main(String[] args) {
    SpringApplication.run(NotifierApplication.class, args);
  }
}
