package dev.opsledger.notifier.dispatch;

import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.NotificationFailed;
import dev.opsledger.events.NotificationFolded;
import dev.opsledger.events.NotificationSent;
import dev.opsledger.notifier.NotifierMetrics;
import dev.opsledger.notifier.channel.Channel;
import dev.opsledger.notifier.notice.Notice;
import dev.opsledger.notifier.once.SentLedger;
import dev.opsledger.service.ConsumerFailures;
import dev.opsledger.service.core.EventSink;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records outcomes: a {@code NotificationSent}, {@code NotificationFailed} or {@code
 * NotificationFolded} on {@code opsledger.notifications} (causation = the trigger's id, correlation
 * = the trigger's correlation), the ledger, the meters, one log line. Reasons are already cleaned
 * of secrets by the channels.
 */
public final class LogOutcomes implements Outcomes {

  private static final Logger LOG = LoggerFactory.getLogger(LogOutcomes.class);

  private final EventSink events;
  private final SentLedger ledger;
  private final NotifierMetrics metrics;
  private final Clock clock;
  private final String source;

  /** The first wait before recording an outcome again; it doubles up to {@link #MAX_BACKOFF}. */
  static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);

  static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  private final Duration firstBackoff;

  /** Records through this sink with this {@code ce_source}. */
  public LogOutcomes(
      EventSink events, SentLedger ledger, NotifierMetrics metrics, Clock clock, String source) {
    this(events, ledger, metrics, clock, source, FIRST_BACKOFF);
  }

  LogOutcomes(
      EventSink events,
      SentLedger ledger,
      NotifierMetrics metrics,
      Clock clock,
      String source,
      Duration firstBackoff) {
    this.events = events;
    this.ledger = ledger;
    this.metrics = metrics;
    this.clock = clock;
    this.source = source;
    this.firstBackoff = firstBackoff;
  }

  @Override
  public void sent(Channel channel, Notice notice, int attempts) {
    var at = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    ledger.delivered(notice.id(), channel.name(), notice.dedupeKey(), at);
    metrics.outcome(channel.name(), "sent");
    LOG.info(
        "{} notice about {} sent to channel '{}' after {} attempt(s)",
        notice.kind().label(),
        notice.subject(),
        channel.name(),
        attempts);
    publish(
        EventEnvelope.causedBy(
            notice.trigger(),
            source,
            new NotificationSent(
                notice.subject(),
                channel.name(),
                channel.type(),
                notice.id(),
                notice.trigger().type().ceType(),
                notice.dedupeKey(),
                attempts,
                at)));
  }

  @Override
  public void failed(Channel channel, Notice notice, int attempts, String reason) {
    var at = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    ledger.failed(notice.id(), channel.name(), notice.dedupeKey());
    metrics.outcome(channel.name(), "failed");
    LOG.warn(
        "{} notice about {} not delivered to channel '{}' after {} attempt(s): {}",
        notice.kind().label(),
        notice.subject(),
        channel.name(),
        attempts,
        reason);
    publish(
        EventEnvelope.causedBy(
            notice.trigger(),
            source,
            new NotificationFailed(
                notice.subject(),
                channel.name(),
                channel.type(),
                notice.id(),
                notice.trigger().type().ceType(),
                reason,
                attempts,
                at)));
  }

  @Override
  public void folded(Channel channel, Notice notice) {
    var at = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    ledger.sent(notice.id(), channel.name(), null, at);
    publish(
        EventEnvelope.causedBy(
            notice.trigger(),
            source,
            new NotificationFolded(
                notice.subject(),
                channel.name(),
                channel.type(),
                notice.id(),
                notice.trigger().type().ceType(),
                notice.dedupeKey(),
                notice.kind().label(),
                at)));
  }

  /**
   * Records an outcome, waiting out a Kafka outage: an outcome missing from the log is a notice a
   * restart would send again. The channel's thread waits meanwhile (its next outcome could not be
   * recorded either), so outcomes stay in order. A failure that is not an outage, or a stop, is
   * logged and given up: the ledger already knows, so this process will not repeat the notice; only
   * a restart could (at-least-once, documented in the README).
   */
  private void publish(EventEnvelope<?> event) {
    Duration backoff = firstBackoff;
    for (int attempt = 1; ; attempt++) {
      try {
        events.sendAndWait(event);
        if (attempt > 1) {
          LOG.info("recorded {} on the log at attempt {}", event.type().ceType(), attempt);
        }
        return;
      } catch (RuntimeException e) {
        if (ConsumerFailures.classify(e) != ConsumerFailures.Kind.TRANSIENT) {
          LOG.error("could not record {} on the log: {}", event.type().ceType(), e.getMessage());
          return;
        }
        LOG.warn(
            "could not record {} on the log yet (attempt {}: {}); retrying in {}",
            event.type().ceType(),
            attempt,
            e.getMessage(),
            backoff);
        try {
          Thread.sleep(backoff.toMillis());
        } catch (InterruptedException stop) {
          Thread.currentThread().interrupt();
          LOG.error(
              "stopped before {} was recorded on the log: a restart may send its notice again",
              event.type().ceType());
          return;
        }
        backoff =
            backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0
                ? MAX_BACKOFF
                : backoff.multipliedBy(2);
      }
    }
  }
}
