package dev.opsledger.applier.engine;

import java.time.Duration;

/**
 * Exponential backoff: {@code initial × multiplier^(attempt-1)}, capped at {@code max}.
 *
 * @param initial the delay after the first failed attempt
 * @param multiplier the growth factor
 * @param max the cap
 * @param maxAttempts attempts before giving up; 0 never gives up
 */
public record Backoff(Duration initial, double multiplier, Duration max, int maxAttempts) {

  /** Checks the values. */
  public Backoff {
    if (initial.isNegative() || max.isNegative() || multiplier < 1.0 || maxAttempts < 0) {
      throw new IllegalArgumentException("invalid backoff " + initial + " x" + multiplier);
    }
  }

  /** The delay after attempt {@code attempt} (1-based) failed. */
  public Duration delayAfter(int attempt) {
    double millis = initial.toMillis() * Math.pow(multiplier, Math.max(0, attempt - 1));
    long capped = (long) Math.min(millis, (double) max.toMillis());
    return Duration.ofMillis(capped);
  }

  /** Whether another attempt may follow attempt {@code attempt}. */
  public boolean mayRetryAfter(int attempt) {
    return maxAttempts == 0 || attempt < maxAttempts;
  }
}
