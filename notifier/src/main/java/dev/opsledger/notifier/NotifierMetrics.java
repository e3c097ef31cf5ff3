package dev.opsledger.notifier;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The notifier's meters.
 *
 * <ul>
 *   <li>{@value #NOTIFICATIONS} (counter; tags {@code channel}, {@code outcome}): {@code sent},
 *       {@code failed}, {@code deduplicated}, {@code already-notified}, {@code too-old}, {@code
 *       superseded};
 *   <li>{@value #RATE_LIMITED} (counter; tag {@code channel}): notifications that had to wait for
 *       the channel's token bucket (each counted once, however long it waited);
 *   <li>{@value #ATTEMPTS} (counter; tags {@code channel}, {@code result}): {@code ok}, {@code
 *       retryable}, {@code terminal};
 *   <li>{@value #DELIVERY} (timer; tags {@code channel}, {@code result}): how long each delivery
 *       attempt took, the channel's HTTP call included;
 *   <li>{@value #QUEUE} (gauge; tag {@code channel}): notifications waiting or being retried.
 * </ul>
 */
public final class NotifierMetrics {

  /** Notifications by channel and outcome. */
  public static final String NOTIFICATIONS = "opsledger.notifier.notifications";

  /** Notifications delayed by a channel's rate limit. */
  public static final String RATE_LIMITED = "opsledger.notifier.rate.limited";

  /** Delivery attempts by channel and result. */
  public static final String ATTEMPTS = "opsledger.notifier.attempts";

  /** Delivery attempts' duration by channel and result. */
  public static final String DELIVERY = "opsledger.notifier.delivery.duration";

  /** Notifications queued per channel. */
  public static final String QUEUE = "opsledger.notifier.queue";

  private final MeterRegistry registry;

  /** Meters in this registry. */
  public NotifierMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** The registry, for tests and the actuator. */
  public MeterRegistry registry() {
    return registry;
  }

  /** Counts a notification's outcome. */
  public void outcome(String channel, String outcome) {
    registry.counter(NOTIFICATIONS, "channel", channel, "outcome", outcome).increment();
  }

  /** Counts a notification delayed by its channel's rate limit. */
  public void rateLimited(String channel) {
    registry.counter(RATE_LIMITED, "channel", channel).increment();
  }

  /** Counts a delivery attempt and records how long it took. */
  public void attempt(String channel, String result, Duration took) {
    registry.counter(ATTEMPTS, "channel", channel, "result", result).increment();
    Timer.builder(DELIVERY)
        .description("how long a delivery attempt took")
        .tag("channel", channel)
        .tag("result", result)
        .register(registry)
        .record(took);
  }

  /** Registers the queue gauge of a channel. */
  public void queue(String channel, Supplier<Number> size) {
    Gauge.builder(QUEUE, size).tag("channel", channel).register(registry);
  }

  /** How many notifications of a channel had an outcome so far. */
  public double count(String channel, String outcome) {
    var c = registry.find(NOTIFICATIONS).tags("channel", channel, "outcome", outcome).counter();
    return c == null ? 0 : c.count();
  }

  /** How many notifications of a channel were delayed by its rate limit so far. */
  public double rateLimitedCount(String channel) {
    var c = registry.find(RATE_LIMITED).tags("channel", channel).counter();
    return c == null ? 0 : c.count();
  }
}
