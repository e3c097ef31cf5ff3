package dev.opsledger.notifier.once;

import java.time.Clock;
import java.time.Duration;

/**
 * A token bucket: up to {@code capacity} sends at once, refilled at {@code perSecond}. Time comes
 * from a {@link Clock}, so tests move it instead of sleeping. Thread-safe.
 */
public final class TokenBucket {

  private final double capacity;
  private final double perSecond;
  private final Clock clock;
  private double tokens;
  private long lastNanos;

  /**
   * A full bucket.
   *
   * @param capacity the burst size, at least 1
   * @param perSecond the refill rate, above 0
   * @param clock the time source
   */
  public TokenBucket(int capacity, double perSecond, Clock clock) {
    if (capacity < 1 || !(perSecond > 0)) {
      throw new IllegalArgumentException("a token bucket needs capacity >= 1 and a rate > 0");
    }
    this.capacity = capacity;
    this.perSecond = perSecond;
    this.clock = clock;
    this.tokens = capacity;
    this.lastNanos = nanos();
  }

  /** Takes a token if one is available. */
  public synchronized boolean tryTake() {
    refill();
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }

  /** How long until a token is available; zero when one is. */
  public synchronized Duration untilNext() {
    refill();
    if (tokens >= 1) {
      return Duration.ZERO;
    }
    double seconds = (1 - tokens) / perSecond;
    return Duration.ofNanos((long) Math.ceil(seconds * 1e9));
  }

  private void refill() {
    long now = nanos();
    if (now > lastNanos) {
      tokens = Math.min(capacity, tokens + (now - lastNanos) / 1e9 * perSecond);
      lastNanos = now;
    }
  }

  private long nanos() {
    var i = clock.instant();
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }
}
