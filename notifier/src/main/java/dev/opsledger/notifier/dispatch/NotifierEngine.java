package dev.opsledger.notifier.dispatch;

import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.NotificationFailed;
import dev.opsledger.events.NotificationFolded;
import dev.opsledger.events.NotificationSent;
import dev.opsledger.events.OpsLedgerEvent;
import dev.opsledger.notifier.NotifierMetrics;
import dev.opsledger.notifier.notice.Audience;
import dev.opsledger.notifier.notice.Digest;
import dev.opsledger.notifier.notice.FoldedNotice;
import dev.opsledger.notifier.notice.Notice;
import dev.opsledger.notifier.notice.Notices;
import dev.opsledger.notifier.once.SentLedger;
import dev.opsledger.notifier.once.StormGuard;
import dev.opsledger.notifier.route.Router;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The notifier's handler: event → notices → channels → once-checks → per-channel queues. It never
 * does I/O itself; queues and the log are behind {@link Sink} and {@link Outcomes}.
 *
 * <p>Two streams of notices: per-event notices ({@link Notices}) go to channels for machines
 * (webhooks, commit statuses); the chat digest ({@link Digest}: a commit's summary, a drift with
 * its outcome, a persistent failure and its end) goes to chat channels, asked for by {@link
 * #tick()}, and passes each chat channel's {@link StormGuard}.
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

    /** Whether a channel takes notices for this audience. */
    default boolean accepts(String channel, Audience audience) {
      return audience == Audience.EVENTS;
    }

    /** Records a notice folded into a storm summary on a channel. */
    default void fold(String channel, Notice notice) {}
  }

  private final Notices notices;
  private final Router router;
  private final SentLedger ledger;
  private final Sink sink;
  private final NotifierMetrics metrics;
  private final Clock clock;
  private final Duration maxEventAge;
  private final Digest digest;
  private final Supplier<StormGuard> storms;
  private final Map<String, StormGuard> guards = new HashMap<>();

  /**
   * An engine with the default digest and no storm limit.
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
    this(
        notices,
        new Digest(Digest.Policy.defaults(), 100_000),
        () -> new StormGuard(Integer.MAX_VALUE, Duration.ofMinutes(1)),
        router,
        ledger,
        sink,
        metrics,
        clock,
        maxEventAge);
  }

  /**
   * An engine.
   *
   * @param digest the chat digest
   * @param storms a new storm guard, one per chat channel
   * @param maxEventAge triggers older than this are skipped, never sent; zero or negative: no limit
   */
  public NotifierEngine(
      Notices notices,
      Digest digest,
      Supplier<StormGuard> storms,
      Router router,
      SentLedger ledger,
      Sink sink,
      NotifierMetrics metrics,
      Clock clock,
      Duration maxEventAge) {
    this.digest = digest;
    this.storms = storms;
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
    boolean tooOld = tooOld(event, now);
    for (Notice notice : notices.observe(event)) {
      for (String channel : router.route(notice)) {
        if (!sink.accepts(channel, notice.audience())) {
          continue;
        }
        Decision d = decide(channel, notice, tooOld, now);
        metrics.outcome(channel, outcomeName(d));
        if (d instanceof Decision.Queued) {
          sink.submit(channel, notice);
        }
        out.add(d);
      }
    }
    digest.observe(event, now);
    return out;
  }

  /**
   * Asks the digest for the chat notices whose time has come (settled commits, drifts past their
   * hold or with a known outcome, failures past their grace, resolutions) and sends each once; then
   * sends the summary of every storm window that folded something. The caller calls it often (a
   * timer); after a restart the first tick also sends what the previous run owed and had not sent.
   *
   * <p>Idempotent: chat notices are claimed in the ledger by their {@link Notice#id()}, an id the
   * digest derives from the log, so a notice sent (or folded) before a restart is not sent again.
   *
   * @return one decision per notice and routed channel
   */
  public synchronized List<Decision> tick() {
    Instant now = clock.instant();
    List<Decision> out = new ArrayList<>();
    List<Notice> due = digest.due(now);
    if (!coordinator) {
      // A replica that does not coordinate keeps what its digest says is owed until the log says
      // the coordinator told it (or it is too old): if it takes over, it sends the rest.
      owed.addAll(due);
      owed.removeIf(n -> tooOld(n.trigger(), now) || chatNotified(n));
      while (owed.size() > capacity) {
        owed.remove(0);
      }
      return out;
    }
    if (!owed.isEmpty()) {
      List<Notice> all = new ArrayList<>(owed);
      all.addAll(due);
      owed.clear();
      due = all;
    }
    for (Notice notice : due) {
      boolean tooOld = tooOld(notice.trigger(), now);
      for (String channel : router.route(notice)) {
        if (!sink.accepts(channel, notice.audience())) {
          continue;
        }
        Decision d = decideChat(channel, notice, tooOld, now);
        metrics.outcome(channel, outcomeName(d));
        if (d instanceof Decision.Queued) {
          sink.submit(channel, notice);
        } else if (d instanceof Decision.Folded) {
          sink.fold(channel, notice);
        }
        out.add(d);
      }
    }
    guards.forEach(
        (channel, guard) -> {
          for (StormGuard.Folded f : guard.drain(now)) {
            sink.submit(
                channel,
                FoldedNotice.of(
                    channel, f.windowStart(), f.window(), f.byKind(), lastFolded.get(channel)));
          }
        });
    return out;
  }

  private final Map<String, Notice> lastFolded = new HashMap<>();

  // Replicas (see ReplicaView): whether this replica sends what needs every partition (chat digest,
  // commit statuses); what it would owe if it took over.
  private boolean coordinator = true;
  private boolean replicated;
  private int capacity = 100_000;
  private final List<Notice> owed = new ArrayList<>();
  private final Map<String, Notice> latestStatus =
      new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Notice> eldest) {
          return size() > capacity;
        }
      };

  /**
   * Runs this engine as one of several replicas: it starts as not the coordinator (it sends no chat
   * message and no commit status until {@link #coordinate(boolean)} says so).
   *
   * @param capacity how many owed chat notices and commit statuses it remembers meanwhile
   */
  public synchronized void replicated(int capacity) {
    this.capacity = capacity;
    this.coordinator = false;
    this.replicated = true;
  }

  private synchronized boolean replicatedCoordinator() {
    return replicated && coordinator;
  }

  /** Whether this engine sends the chat digest and commit statuses. */
  public synchronized boolean coordinator() {
    return coordinator;
  }

  /**
   * Makes this replica the coordinator (it sends the chat digest and commit statuses) or not. On
   * taking over, it sends every revision's latest commit status unless the log says it was posted
   * (change mode against the ledger), and on the next tick the chat notices still owed.
   *
   * @return the decisions for the commit statuses sent on taking over
   */
  public synchronized List<Decision> coordinate(boolean active) {
    if (active == coordinator) {
      return List.of();
    }
    coordinator = active;
    if (!active) {
      return List.of();
    }
    List<Notice> latest = List.copyOf(latestStatus.values());
    latestStatus.clear();
    return send(latest, sink::changeMode);
  }

  /**
   * Replica mode: learns from a trigger event (trackers, digest) as every replica does, sends its
   * commit statuses if this replica coordinates (else remembers the latest per revision), and
   * returns the per-event notices (webhooks) that the owner of the event's partition sends with
   * {@link #sendOwned}.
   */
  public synchronized List<Notice> observeShared(EventEnvelope<? extends OpsLedgerEvent> event) {
    List<Notice> perEvent = new ArrayList<>();
    for (Notice notice : notices.observe(event)) {
      boolean status = false;
      boolean other = false;
      for (String channel : router.route(notice)) {
        if (sink.accepts(channel, notice.audience())) {
          if (sink.changeMode(channel)) {
            status = true;
          } else {
            other = true;
          }
        }
      }
      if (other) {
        perEvent.add(notice);
      }
      if (status) {
        if (coordinator) {
          send(List.of(notice), sink::changeMode);
        } else {
          latestStatus.put(notice.changeKey(), notice);
        }
      }
    }
    digest.observe(event, clock.instant());
    return perEvent;
  }

  /**
   * Replica mode: sends the per-event notices of a record whose partition this replica owns (it
   * came through the shared group), to every routed channel that is not a commit status.
   */
  public synchronized List<Decision> sendOwned(List<Notice> notices) {
    return send(notices, c -> !sink.changeMode(c));
  }

  private List<Decision> send(List<Notice> list, java.util.function.Predicate<String> channels) {
    List<Decision> out = new ArrayList<>();
    Instant now = clock.instant();
    for (Notice notice : list) {
      boolean tooOld = tooOld(notice.trigger(), now);
      for (String channel : router.route(notice)) {
        if (!sink.accepts(channel, notice.audience()) || !channels.test(channel)) {
          continue;
        }
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

  private boolean chatNotified(Notice notice) {
    for (String channel : router.route(notice)) {
      if (sink.accepts(channel, notice.audience()) && !ledger.notified(notice.id(), channel)) {
        return false;
      }
    }
    return true;
  }

  private Decision decideChat(String channel, Notice notice, boolean tooOld, Instant now) {
    if (ledger.notified(notice.id(), channel)) {
      return new Decision.AlreadyNotified(channel, notice);
    }
    if (tooOld) {
      return new Decision.TooOld(channel, notice);
    }
    if (!ledger.claim(notice.id(), channel)) {
      return new Decision.AlreadyNotified(channel, notice);
    }
    // An update of a message already posted is no new message: it never counts towards a storm.
    if (notice.updates() == null
        && !guards.computeIfAbsent(channel, c -> storms.get()).admit(notice.kind().label(), now)) {
      lastFolded.put(channel, notice);
      return new Decision.Folded(channel, notice);
    }
    return new Decision.Queued(channel, notice);
  }

  private boolean tooOld(EventEnvelope<?> event, Instant now) {
    return !maxEventAge.isZero()
        && !maxEventAge.isNegative()
        && event.time().isBefore(now.minus(maxEventAge));
  }

  /**
   * Feeds an event the previous run already handled (it lies before the group's committed offset):
   * the trackers learn from it, nothing is sent.
   */
  public synchronized void replay(EventEnvelope<? extends OpsLedgerEvent> event) {
    notices.observe(event);
    digest.observe(event, clock.instant());
  }

  /** How many commits wait to settle, drifts are open and failures are watched by the digest. */
  public synchronized int digestOpen() {
    return digest.open();
  }

  /** A commit summary or rejection the log says was sent: its commit was told. */
  private synchronized void settledCommit(String subject, String dedupeKey, java.time.Instant at) {
    if (dedupeKey == null) {
      return;
    }
    for (String prefix : new String[] {"|settled:", "|rejected:"}) {
      int i = dedupeKey.indexOf(prefix);
      if (i > 0) {
        digest.settled(subject, dedupeKey.substring(i + prefix.length()), at);
      }
    }
  }

  /** Learns from a {@code NotificationSent} or {@code NotificationFailed} read from the log. */
  public void remember(EventEnvelope<? extends OpsLedgerEvent> event) {
    if (event.data() instanceof NotificationSent s) {
      if (replicatedCoordinator()) {
        // What a coordinating replica reads back is its own (or older): it never moves a
        // subject's last claimed state back.
        ledger.delivered(s.triggerEventId(), s.channel(), s.dedupeKey(), s.sentAt());
      } else {
        ledger.sent(s.triggerEventId(), s.channel(), s.dedupeKey(), s.sentAt());
      }
      settledCommit(s.subject(), s.dedupeKey(), s.sentAt());
    } else if (event.data() instanceof NotificationFailed f) {
      ledger.failed(f.triggerEventId(), f.channel(), null);
    } else if (event.data() instanceof NotificationFolded f) {
      ledger.sent(f.triggerEventId(), f.channel(), null, f.foldedAt());
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
            ? ledger.decideChange(trigger, channel, notice.changeKey(), notice.state())
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
    } else if (d instanceof Decision.Folded) {
      return "folded";
    }
    return "too-old";
  }
}
