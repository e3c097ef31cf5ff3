package dev.opsledger.notifier.once;

import java.time.Duration;

/**
 * Exponential backoff between delivery attempts.
 *
 * @param maxAttempts attempts in all, the first included; at least 1
 * @param initial the delay before the second attempt
 * @param multiplier how much each further delay grows
 * @param max the longest delay
 */
public record Backoff(int maxAttempts, Duration initial, double multiplier, Duration max) {

  /** Checks the values. */
  public Backoff {
    if (maxAttempts < 1 || initial.isNegative() || multiplier < 1 || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException(
          "backoff needs maxAttempts >= 1, initial >= 0, multiplier >= 1, max >= initial");
    }
  }

  /** Whether another attempt follows the one that just failed. */
  public boolean retriesAfter(int failedAttempt) {
    return failedAttempt < maxAttempts;
  }

  /**
   * The delay after a failed attempt (1-based), never above {@link #max}; a server's {@code
   * Retry-After} wins when it is longer, still capped at {@link #max}.
   */
  public Duration delayAfter(int failedAttempt, Duration retryAfter) {
    double millis = initial.toMillis() * Math.pow(multiplier, Math.max(0, failedAttempt - 1));
    Duration d = Duration.ofMillis((long) Math.min(millis, max.toMillis()));
    if (retryAfter != null && retryAfter.compareTo(d) > 0) {
      d = retryAfter.compareTo(max) > 0 ? max : retryAfter;
    }
    return d;
  }
}
