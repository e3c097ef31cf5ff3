package dev.opsledger.collector.aws;

import dev.opsledger.service.core.Backoff;
import java.time.Duration;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * Retries a call the service throttled, waiting {@code base}, {@code 2·base}, {@code 4·base}, …
 * (capped at 30 s, or at {@code base} when that is longer) between attempts: service-support's
 * {@link Backoff}. Other failures are not retried here.
 */
public final class Throttling {

  /** Waits; replaceable in tests. */
  @FunctionalInterface
  public interface Sleeper {
    /** Waits {@code duration}. */
    void sleep(Duration duration) throws InterruptedException;
  }

  /** Throttled on every attempt. */
  public static final class ThrottledException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ThrottledException(String what, int attempts, Throwable last) {
      super(what + " was throttled " + attempts + " times", last);
    }
  }

  private static final Duration MAX_WAIT = Duration.ofSeconds(30);

  private final Backoff backoff;
  private final Sleeper sleeper;

  /** A policy of {@code attempts} tries starting with {@code base}. */
  public Throttling(Duration base, int attempts, Sleeper sleeper) {
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts must be at least 1");
    }
    this.backoff = new Backoff(base, 2.0, base.compareTo(MAX_WAIT) > 0 ? base : MAX_WAIT, attempts);
    this.sleeper = sleeper;
  }

  /** The policy with real waiting. */
  public static Throttling of(Duration base, int attempts) {
    return new Throttling(base, attempts, d -> Thread.sleep(d.toMillis()));
  }

  /**
   * Runs {@code call}, retrying while it is throttled.
   *
   * @throws ThrottledException when every attempt was throttled
   */
  public <T> T call(String what, Supplier<T> call) {
    for (int attempt = 1; ; attempt++) {
      try {
        return call.get();
      } catch (AwsServiceException e) {
        if (!e.isThrottlingException()) {
          throw e;
        }
        if (!backoff.retriesAfter(attempt)) {
          throw new ThrottledException(what, attempt, e);
        }
        pause(backoff.delayAfter(attempt));
      }
    }
  }

  private void pause(Duration wait) {
    try {
      sleeper.sleep(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while backing off", e);
    }
  }
}
