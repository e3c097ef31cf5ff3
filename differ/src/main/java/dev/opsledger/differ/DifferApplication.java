package dev.opsledger.differ;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;

/**
 * Runs the differ on its own. No component scan: every bean comes from {@link DifferConfiguration},
 * exactly as when all services share one process.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(DifferConfiguration.class)
public class DifferApplication {

  /** The system property that turns off Axon's update checker (it calls AxonIQ's servers). */
  public static final String AXON_UPDATE_CHECKER_DISABLED = "axoniq.update-checker.disabled";

  /** Starts the differ. */
  public static void main(String[] args) {
    disableAxonUpdateChecker();
    SpringApplication.run(DifferApplication.class, args);
  }

  /**
   * Axon 4.13 checks AxonIQ's servers for updates at start and logs a warning when it cannot reach
   * them; the differ must not call out. Set before the context starts; an explicit setting wins.
   */
  public static void disableAxonUpdateChecker() {
    if (System.getProperty(AXON_UPDATE_CHECKER_DISABLED) == null) {
      System.setProperty(AXON_UPDATE_CHECKER_DISABLED, "true");
    }
  }
}
