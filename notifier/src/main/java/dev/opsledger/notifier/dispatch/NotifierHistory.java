package dev.opsledger.notifier.dispatch;

import dev.opsledger.events.EventCodec;
import dev.opsledger.events.Topic;
import dev.opsledger.kafka.KafkaConnection;
import dev.opsledger.kafka.LogScan;
import dev.opsledger.kafka.LogScan.From;
import dev.opsledger.kafka.LogScan.Until;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds the notifier's memory from the log before its consumers start, so that a restart, a
 * crash or a reset consumer group never sends twice and "converged" and commit statuses stay right.
 *
 * <ol>
 *   <li>{@code opsledger.notifications}, from {@code now - lookback} to its end: every {@code
 *       NotificationSent}/{@code NotificationFailed} goes into the ledger (trigger id + channel,
 *       dedupe key, time).
 *   <li>each trigger topic, from {@code now - lookback} up to the consumer group's committed
 *       offset: the events the previous run already handled feed the trackers, sending nothing.
 *       Records at or after the committed offset come through the stream bindings as usual.
 * </ol>
 *
 * <p>{@code lookback} is the larger of the maximum event age and the dedupe window: a trigger older
 * than the maximum age is never sent anyway, and its notification is at least as recent as it. A
 * {@link LogScan}: no group, nothing committed; the whole load is bounded by {@code timeout}.
 */
public final class NotifierHistory {

  private static final Logger LOG = LoggerFactory.getLogger(NotifierHistory.class);

  /**
   * What was read.
   *
   * @param notifications notification events learned
   * @param triggers already-handled trigger events replayed into the trackers
   */
  public record Summary(int notifications, int triggers) {}

  private final KafkaConnection connection;
  private final EventCodec codec;
  private final Clock clock;
  private final Duration timeout;

  /** A loader for this broker. */
  public NotifierHistory(
      KafkaConnection connection, EventCodec codec, Clock clock, Duration timeout) {
    this.connection = connection;
    this.codec = codec;
    this.clock = clock;
    this.timeout = timeout;
  }

  /**
   * Loads the history into the engine.
   *
   * @param groupByTopic the consumer group of each trigger topic's binding
   * @param lookback how far back to read; zero or negative reads from the beginning
   */
  public Summary load(NotifierEngine engine, Map<String, String> groupByTopic, Duration lookback) {
    Instant since =
        lookback.isZero() || lookback.isNegative() ? null : clock.instant().minus(lookback);
    try (LogScan scan = LogScan.open(connection, codec, timeout, clock)) {
      long notifications =
          scan.scan(
                  List.of(Topic.NOTIFICATIONS.topicName()),
                  From.time(since),
                  Until.endAtStart(),
                  r -> engine.remember(r.event()))
              .records();
      long triggers = 0;
      for (Map.Entry<String, String> topic : groupByTopic.entrySet()) {
        triggers +=
            scan.scan(
                    List.of(topic.getKey()),
                    From.time(since),
                    Until.committedBy(topic.getValue()),
                    r -> engine.replay(r.event()))
                .records();
      }
      LOG.info(
          "notifier history: {} notification events and {} handled triggers since {}",
          notifications,
          triggers,
          since == null ? "the beginning" : since);
      return new Summary((int) notifications, (int) triggers);
    }
  }
}
