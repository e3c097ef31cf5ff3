package dev.opsledger.notifier;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;

/** Runs the notifier on its own. */
@SpringBootApplication
@Import(NotifierConfiguration.class)
public class NotifierApplication {

  /** Starts the notifier. */
  public static void main(String[] args) {
    SpringApplication.run(NotifierApplication.class, args);
  }
}
