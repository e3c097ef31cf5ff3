package dev.opsledger.service.core;

import java.time.Duration;

/**
 * Capped exponential backoff: the delay after failed attempt {@code n} (1-based) is {@code initial
 * × multiplier^(n-1)}, never above {@code max}. Pure, so every service backs off the same way and
 * the arithmetic is tested once.
 *
 * @param initial the delay after the first failed attempt
 * @param multiplier how much each further delay grows; at least 1
 * @param max the longest delay; at least {@code initial}
 * @param maxAttempts attempts in all, the first included; 0 never gives up (transient outages are
 *     retried for as long as they last)
 */
public record Backoff(Duration initial, double multiplier, Duration max, int maxAttempts) {

  /** Checks the values. */
  public Backoff {
    if (initial == null
        || max == null
        || initial.isNegative()
        || max.compareTo(initial) < 0
        || !(multiplier >= 1.0)
        || maxAttempts < 0) {
      throw new IllegalArgumentException(
          "backoff needs initial >= 0, max >= initial, multiplier >= 1 and maxAttempts >= 0; got "
              + initial
              + ", "
              + max
              + ", x"
              + multiplier
              + ", "
              + maxAttempts);
    }
  }

  /** The delay after attempt {@code failedAttempt} (1-based) failed. */
  public Duration delayAfter(int failedAttempt) {
    double millis = initial.toMillis() * Math.pow(multiplier, Math.max(0, failedAttempt - 1));
    return Duration.ofMillis((long) Math.min(millis, (double) max.toMillis()));
  }

  /**
   * The delay after a failed attempt when the server asked for one ({@code Retry-After}): the
   * longer of the two, still never above {@link #max}.
   *
   * @param retryAfter what the server asked for, or {@code null}
   */
  public Duration delayAfter(int failedAttempt, Duration retryAfter) {
    Duration d = delayAfter(failedAttempt);
    if (retryAfter != null && retryAfter.compareTo(d) > 0) {
      d = retryAfter.compareTo(max) > 0 ? max : retryAfter;
    }
    return d;
  }

  /** Whether another attempt may follow failed attempt {@code failedAttempt} (1-based). */
  public boolean retriesAfter(int failedAttempt) {
    return maxAttempts == 0 || failedAttempt < maxAttempts;
  }
}
