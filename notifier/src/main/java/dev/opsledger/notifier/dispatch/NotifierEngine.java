package dev.opsledger.notifier.dispatch;

import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.NotificationFailed;
import dev.opsledger.events.NotificationSent;
import dev.opsledger.events.OpsLedgerEvent;
import dev.opsledger.notifier.NotifierMetrics;
import dev.opsledger.notifier.notice.Notice;
import dev.opsledger.notifier.notice.Notices;
import dev.opsledger.notifier.once.SentLedger;
import dev.opsledger.notifier.route.Router;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The notifier's handler: event → notices → channels → once-checks → per-channel queues. It never
 * does I/O itself; queues and the log are behind {@link Sink} and {@link Outcomes}.
 *
 * <p>Idempotent: for each notice and channel the {@link SentLedger} is asked first, keyed by the
 * trigger's {@code ce_id} and the channel name (and then by {@code subject|state} within the dedupe
 * window, or by state change for commit statuses). The ledger holds what this process claimed and
 * what the log says was sent or failed, so a redelivered record, a restarted notifier or a reset
 * consumer group sends nothing twice. Thread-safe: the three stream bindings call it concurrently.
 */
public final class NotifierEngine {

  /** Where queued notices go: a channel's dispatcher. */
  public interface Sink {
    /** Queues a claimed notice on a channel. */
    void submit(String channel, Notice notice);

    /** Whether a channel works in change mode (commit statuses). */
    boolean changeMode(String channel);
  }

  private final Notices notices;
  private final Router router;
  private final SentLedger ledger;
  private final Sink sink;
  private final NotifierMetrics metrics;
  private final Clock clock;
  private final Duration maxEventAge;

  /**
   * An engine.
   *
   * @param maxEventAge triggers older than this are skipped, never sent; zero or negative: no limit
   */
  public NotifierEngine(
      Notices notices,
      Router router,
      SentLedger ledger,
      Sink sink,
      NotifierMetrics metrics,
      Clock clock,
      Duration maxEventAge) {
    this.notices = notices;
    this.router = router;
    this.ledger = ledger;
    this.sink = sink;
    this.metrics = metrics;
    this.clock = clock;
    this.maxEventAge = maxEventAge;
  }

  /**
   * Handles a consumed trigger event: every notice it gives goes to its routed channels unless the
   * ledger says it was already notified or is a repeat, or the event is too old.
   *
   * <p>Idempotent; dedupe key: the trigger's {@code ce_id} with the channel name.
   *
   * @return one decision per notice and routed channel
   */
  public synchronized List<Decision> handle(EventEnvelope<? extends OpsLedgerEvent> event) {
    List<Decision> out = new ArrayList<>();
    Instant now = clock.instant();
    boolean tooOld =
        !maxEventAge.isZero()
            && !maxEventAge.isNegative()
            && event.time().isBefore(now.minus(maxEventAge));
    for (Notice notice : notices.observe(event)) {
      for (String channel : router.route(notice)) {
        Decision d = decide(channel, notice, tooOld, now);
        metrics.outcome(channel, outcomeName(d));
        if (d instanceof Decision.Queued) {
          sink.submit(channel, notice);
        }
        out.add(d);
      }
    }
    return out;
  }

  /**
   * Feeds an event the previous run already handled (it lies before the group's committed offset):
   * the trackers learn from it, nothing is sent.
   */
  public synchronized void replay(EventEnvelope<? extends OpsLedgerEvent> event) {
    notices.observe(event);
  }

  /** Learns from a {@code NotificationSent} or {@code NotificationFailed} read from the log. */
  public void remember(EventEnvelope<? extends OpsLedgerEvent> event) {
    if (event.data() instanceof NotificationSent s) {
      ledger.sent(s.triggerEventId(), s.channel(), s.dedupeKey(), s.sentAt());
    } else if (event.data() instanceof NotificationFailed f) {
      ledger.failed(f.triggerEventId(), f.channel(), null);
    }
  }

  private Decision decide(String channel, Notice notice, boolean tooOld, Instant now) {
    String trigger = notice.trigger().id();
    if (ledger.notified(trigger, channel)) {
      return new Decision.AlreadyNotified(channel, notice);
    }
    if (tooOld) {
      return new Decision.TooOld(channel, notice);
    }
    SentLedger.Decision d =
        sink.changeMode(channel)
            ? ledger.decideChange(trigger, channel, notice.subject(), notice.state())
            : ledger.decideWindow(trigger, channel, notice.dedupeKey(), now);
    return switch (d) {
      case SEND -> new Decision.Queued(channel, notice);
      case ALREADY_NOTIFIED -> new Decision.AlreadyNotified(channel, notice);
      case DEDUPLICATED -> new Decision.Deduplicated(channel, notice);
    };
  }

  private static String outcomeName(Decision d) {
    if (d instanceof Decision.Queued) {
      return "queued";
    } else if (d instanceof Decision.AlreadyNotified) {
      return "already-notified";
    } else if (d instanceof Decision.Deduplicated) {
      return "deduplicated";
    }
    return "too-old";
  }
}
