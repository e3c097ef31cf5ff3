package dev.opsledger.applier.engine;

import dev.opsledger.applier.ApplierMetrics;
import dev.opsledger.applier.apply.Conflicts;
import dev.opsledger.applier.apply.Failure;
import dev.opsledger.applier.apply.Outcome;
import dev.opsledger.events.ApplyAction;
import dev.opsledger.events.ApplyFailed;
import dev.opsledger.events.ApplyOutcome;
import dev.opsledger.events.ApplySkipped;
import dev.opsledger.events.ApplyStarted;
import dev.opsledger.events.ApplySucceeded;
import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.FieldsConflicted;
import dev.opsledger.events.OpsLedgerEvent;
import dev.opsledger.events.PruneHeld;
import dev.opsledger.events.ResourceEvent;
import dev.opsledger.events.SkipPolicy;
import dev.opsledger.events.SyncResumed;
import dev.opsledger.service.core.Backoff;
import dev.opsledger.service.core.EventSink;
import dev.opsledger.service.core.LogContext;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns what happened to a diff into events on {@code opsledger.applies} and into meters: {@code
 * ApplyStarted} before each attempt, then one of {@code ApplySucceeded}, {@code ApplyFailed} or
 * {@code ApplySkipped}. It owns the dedupe ledger ({@link DiffLedger}) and schedules the retries
 * that failures call for.
 *
 * <p>Invariants:
 *
 * <ul>
 *   <li>Every event is keyed by the resource, correlated to the desired revision the diff names (or
 *       the diff's own correlation when it names none), caused by the diff's {@code ce_id}, and
 *       carries a fresh {@code ce_id} and the diff's {@code traceparent}.
 *   <li>A final outcome (succeeded, skipped, terminal failure) is sent without waiting, and only
 *       once Kafka acknowledged it does the diff enter the ledger. One Kafka did not acknowledge
 *       leaves the diff unhandled and schedules its work again with backoff: the apply is
 *       idempotent, so the outcome is at least once, never lost. Should the applier stop before the
 *       acknowledgement, the log holds no final outcome and the start-up replay runs the diff
 *       again.
 *   <li>A retryable failure schedules the next attempt (unless the backoff gives up, then it is
 *       terminal) and is sent without waiting: should it be lost, the next attempt reports again.
 *   <li>Failure messages leave with every opened Secret value redacted.
 * </ul>
 *
 * <p>Callers hold the resource's lock ({@link ResourceLocks}), so the events of one resource are
 * written in the order its work ran.
 */
public final class OutcomeRecorder {

  private static final Logger LOG = LoggerFactory.getLogger(OutcomeRecorder.class);

  /** Final outcomes sent and not acknowledged yet (see {@link #awaitAcknowledged}). */
  private final java.util.Set<CompletableFuture<?>> unacknowledged =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  private final String source;
  private final EventSink events;
  private final DiffLedger ledger;
  private final RetryScheduler scheduler;
  private final Backoff backoff;
  private final DesiredBook desired;
  private final ApplierMetrics metrics;
  private final Clock clock;

  /**
   * A recorder.
   *
   * @param source the {@code ce_source} of the events
   * @param events where the events go
   * @param ledger the diffs handled to a final outcome
   * @param scheduler where retries go
   * @param backoff the delay before each retry, and when to give up
   * @param desired for the source of a diff that names none
   * @param metrics the applier's meters
   * @param clock the time of events
   */
  public OutcomeRecorder(
      String source,
      EventSink events,
      DiffLedger ledger,
      RetryScheduler scheduler,
      Backoff backoff,
      DesiredBook desired,
      ApplierMetrics metrics,
      Clock clock) {
    this.source = source;
    this.events = events;
    this.ledger = ledger;
    this.scheduler = scheduler;
    this.backoff = backoff;
    this.desired = desired;
    this.metrics = metrics;
    this.clock = clock;
  }

  /** Whether the diff was handled to a final outcome (its dedupe key is its {@code ce_id}). */
  public boolean handled(String diffId) {
    return ledger.contains(diffId);
  }

  /** Remembers diffs the log shows were handled to a final outcome. */
  public void handled(Collection<String> diffIds) {
    diffIds.forEach(ledger::add);
  }

  /** Records a redelivered diff: counted, and {@code ApplySkipped(already-applied)}. */
  public void duplicate(Work work) {
    metrics.duplicate();
    skipped(work, SkipPolicy.ALREADY_APPLIED, "diff " + work.id() + " was already handled");
  }

  /** Records the start of an attempt; not waited for. */
  public void started(Work work, ApplyAction action, boolean dryRun) {
    events.send(
        envelope(
            work,
            new ApplyStarted(
                work.key(),
                sourceOfDiff(work),
                work.revision(),
                action,
                dryRun,
                work.attempt(),
                now())));
  }

  /**
   * Records what an apply or delete call did, timed from {@code t0}.
   *
   * @param opened the Secret values opened for the call, to redact from a failure, or {@code null}
   */
  public void finished(
      Work work,
      ApplyAction action,
      boolean dryRun,
      Outcome outcome,
      SecretValues.Opened opened,
      Instant t0) {
    Instant end = clock.instant();
    metrics.latency(
        work.key().kind(), action.name().toLowerCase(Locale.ROOT), Duration.between(t0, end));
    if (outcome instanceof Outcome.Failed f) {
      failed(work, action, f.failure(), opened);
      return;
    }
    if (outcome instanceof Outcome.Skipped s) {
      skipped(work, s.policy(), s.detail());
      return;
    }
    conflicts(work, dryRun, outcome);
    ApplyOutcome result = toEvent(outcome);
    publishFinal(
        work,
        new ApplySucceeded(
            work.key(),
            sourceOfDiff(work),
            work.revision(),
            result,
            dryRun,
            work.attempt(),
            end.truncatedTo(ChronoUnit.MILLIS),
            Duration.between(t0, end).toMillis()),
        () -> metrics.outcome(result.name().toLowerCase(Locale.ROOT), work.key().kind()));
  }

  /**
   * Records a failure: a retryable one is scheduled again with backoff (until the backoff gives
   * up), a terminal one is final.
   *
   * @param opened the Secret values to redact from the message, or {@code null}
   */
  public void failed(Work work, ApplyAction action, Failure failure, SecretValues.Opened opened) {
    String message = opened == null ? failure.message() : opened.redact(failure.message());
    Instant now = now();
    if (failure instanceof Failure.Retryable r && backoff.retriesAfter(work.attempt())) {
      Duration delay = backoff.delayAfter(work.attempt());
      Instant due = scheduler.schedule(work.next(), delay);
      metrics.retry(work.key().kind(), r.reason());
      metrics.outcome("failed-retryable", work.key().kind());
      LOG.info(
          "{} of {} failed ({}), attempt {}; next attempt at {}",
          action,
          work.key(),
          r.reason(),
          work.attempt(),
          due);
      // Retryable: the next attempt re-publishes if this one is lost, so no need to wait.
      events.send(
          envelope(
              work,
              new ApplyFailed(
                  work.key(),
                  sourceOfDiff(work),
                  work.revision(),
                  false,
                  r.reason(),
                  message,
                  r.httpStatus(),
                  work.attempt(),
                  now,
                  due.truncatedTo(ChronoUnit.MILLIS))));
      return;
    }
    boolean exhausted = failure instanceof Failure.Retryable;
    LOG.warn("{} of {} failed terminally ({})", action, work.key(), failure.reason());
    publishFinal(
        work,
        new ApplyFailed(
            work.key(),
            sourceOfDiff(work),
            work.revision(),
            true,
            failure.reason(),
            exhausted ? "gave up after " + work.attempt() + " attempts: " + message : message,
            failure.httpStatus(),
            work.attempt(),
            now,
            null),
        () -> metrics.outcome("failed-terminal", work.key().kind()));
  }

  /**
   * Records that a revision's prunes are held ({@code PruneHeld}, keyed by the source), waiting for
   * Kafka. Its {@code ce_id} is derived from the source and revision, so every applier that holds
   * the revision, and this one again after a restart, writes the same event id.
   *
   * @return whether Kafka acknowledged it
   */
  public boolean pruneHeld(
      Work work, String sourceId, String revision, DesiredView.RemovalCounts counts) {
    EventEnvelope<? extends ResourceEvent> diff = work.diff();
    String id =
        UUID.nameUUIDFromBytes(
                ("prune-held|" + sourceId + "|" + revision).getBytes(StandardCharsets.UTF_8))
            .toString();
    try {
      events.sendAndWait(
          new EventEnvelope<OpsLedgerEvent>(
              id,
              source,
              now(),
              revision,
              diff.id(),
              diff.traceparent(),
              new PruneHeld(
                  sourceId, revision, counts.removals(), counts.declaredBefore(), now())));
    } catch (RuntimeException e) {
      // The next held resource of the revision announces it again.
      LOG.warn(
          "PruneHeld of {}@{} not acknowledged by Kafka ({})", sourceId, revision, e.getMessage());
      return false;
    }
    metrics.pruneHeld();
    LOG.warn(
        "source {}: revision {} removes {} of {} resources; prunes held until approved",
        sourceId,
        revision,
        counts.removals(),
        counts.declaredBefore());
    return true;
  }

  /**
   * Records the fields of other managers an apply met ({@code FieldsConflicted}) before its
   * outcome. Waited for, so the takeover is on the log before the success it explains; should Kafka
   * not acknowledge it, it is logged, and the apply's outcome still goes out.
   */
  private void conflicts(Work work, boolean dryRun, Outcome outcome) {
    Conflicts c =
        outcome instanceof Outcome.Patched p
            ? p.conflicts()
            : outcome instanceof Outcome.Unchanged u ? u.conflicts() : Conflicts.NONE;
    if (dryRun || !c.any()) {
      return;
    }
    metrics.conflict(c.taken());
    FieldsConflicted event =
        new FieldsConflicted(
            work.key(), sourceOfDiff(work), work.revision(), c.taken(), c.fields(), now());
    LOG.info(
        "{}: {} fields owned by {}",
        work.key(),
        c.taken() ? "took" : "left alone",
        event.managers());
    try {
      events.sendAndWait(envelope(work, event));
    } catch (RuntimeException e) {
      LOG.warn("FieldsConflicted of {} not acknowledged by Kafka ({})", work.key(), e.getMessage());
    }
  }

  /** Records that a policy decided not to act. */
  public void skipped(Work work, SkipPolicy policy, String detail) {
    publishFinal(
        work,
        new ApplySkipped(work.key(), sourceOfDiff(work), work.revision(), policy, detail, now()),
        () -> metrics.outcome("skipped", work.key().kind()));
  }

  /**
   * Records that Git moved past a rollback's pause ({@code SyncResumed}), caused by the rollback.
   * Waited for; should Kafka not acknowledge it, it is logged and the resource acts again anyway:
   * the pause is the applier's, the event tells readers.
   */
  public void resumed(SyncResumed event, String rollbackId) {
    try {
      events.sendAndWait(
          new EventEnvelope<OpsLedgerEvent>(
              UUID.randomUUID().toString(),
              source,
              now(),
              event.revision(),
              rollbackId,
              null,
              event));
    } catch (RuntimeException e) {
      LOG.warn(
          "SyncResumed of {} not acknowledged by Kafka ({})", event.resource(), e.getMessage());
    }
  }

  /**
   * Publishes a final outcome without waiting: the resource's lane goes on to its next work while
   * Kafka acknowledges, and the producer sends the outcomes of concurrent applies together. Only
   * once Kafka acknowledged it does the diff enter the dedupe ledger (and the meters count it).
   * When Kafka does not acknowledge, the work is retried later (the apply itself is idempotent),
   * unless newer work of the resource is pending already: that work supersedes it.
   *
   * @param acknowledged runs once Kafka acknowledged the outcome (on the producer's thread)
   */
  private void publishFinal(Work work, ResourceEvent event, Runnable acknowledged) {
    CompletableFuture<?> ack;
    try {
      ack = events.send(envelope(work, event));
    } catch (RuntimeException e) {
      ack = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<?> sent = ack;
    unacknowledged.add(sent);
    sent.whenComplete((ok, e) -> unacknowledged.remove(sent));
    ack.whenComplete(
        (ok, e) -> {
          if (e == null) {
            ledger.add(work.id());
            acknowledged.run();
            return;
          }
          Duration delay = backoff.delayAfter(work.attempt());
          try (LogContext context = LogContext.of(work.key(), work.diff().correlation())) {
            LOG.warn(
                "outcome of {} not acknowledged by Kafka ({}); retrying in {}",
                work.key(),
                e.getMessage(),
                delay);
          }
          if (scheduler.pendingOf(work.key()) == null) {
            scheduler.schedule(work.next(), delay);
          }
        });
  }

  /**
   * Waits until Kafka answered for every final outcome sent before this call, at most {@code
   * timeout}: a replica handing resources over makes sure the next owner reads their outcomes.
   */
  public void awaitAcknowledged(Duration timeout) throws InterruptedException {
    CompletableFuture<?>[] sent = unacknowledged.toArray(CompletableFuture<?>[]::new);
    try {
      CompletableFuture.allOf(sent)
          .get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      // A refused outcome is retried by whoever owns the resource next: the log has no outcome.
      LOG.debug("outcomes not all acknowledged while handing resources over: {}", e.toString());
    }
  }

  private EventEnvelope<OpsLedgerEvent> envelope(Work work, ResourceEvent event) {
    EventEnvelope<? extends ResourceEvent> diff = work.diff();
    String revision = work.revision();
    String correlation = revision != null ? revision : diff.correlation();
    return new EventEnvelope<>(
        UUID.randomUUID().toString(),
        source,
        now(),
        correlation,
        diff.id(),
        diff.traceparent(),
        event);
  }

  private static ApplyOutcome toEvent(Outcome outcome) {
    if (outcome instanceof Outcome.Created) {
      return ApplyOutcome.CREATED;
    }
    if (outcome instanceof Outcome.Patched) {
      return ApplyOutcome.PATCHED;
    }
    if (outcome instanceof Outcome.Deleted) {
      return ApplyOutcome.DELETED;
    }
    return ApplyOutcome.UNCHANGED;
  }

  private String sourceOfDiff(Work work) {
    String s = work.sourceId();
    if (s != null) {
      return s;
    }
    DesiredView view = desired.view(work.key());
    return view == null ? null : view.sourceId();
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }
}
