package dev.opsledger.testkit;

import java.time.Duration;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/**
 * Awaitility with OpsLedger's defaults: every wait has a name (it appears in the failure), polls
 * quickly and gives up after a minute, generous for a loaded 2-core CI machine.
 */
public final class TestAwait {

  /** The longest a test waits for anything. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  private TestAwait() {}

  /** A named wait with the defaults. */
  public static ConditionFactory await(String condition) {
    return Awaitility.await(condition)
        .atMost(DEFAULT_TIMEOUT)
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(50));
  }
}
