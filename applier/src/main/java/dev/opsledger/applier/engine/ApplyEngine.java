package dev.opsledger.applier.engine;

import dev.opsledger.applier.apply.ApplyRequest;
import dev.opsledger.applier.apply.DeleteRequest;
import dev.opsledger.applier.apply.Failure;
import dev.opsledger.applier.apply.Outcome;
import dev.opsledger.applier.apply.ResourceApplier;
import dev.opsledger.applier.policy.PolicyResolver;
import dev.opsledger.applier.policy.SyncPolicy;
import dev.opsledger.events.ApplyAction;
import dev.opsledger.events.ApplyFailed;
import dev.opsledger.events.ApplyOutcome;
import dev.opsledger.events.ApplySkipped;
import dev.opsledger.events.ApplyStarted;
import dev.opsledger.events.ApplySucceeded;
import dev.opsledger.events.DesiredStateChanged;
import dev.opsledger.events.DesiredStateRemoved;
import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.OpsLedgerEvent;
import dev.opsledger.events.ResourceEvent;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.events.SyncApproved;
import dev.opsledger.service.core.Backoff;
import dev.opsledger.service.core.EventSink;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Acts on diffs: fences, decides by policy, applies through the {@link ResourceApplier} of the
 * resource, records every attempt and outcome, and schedules retries of transient failures.
 *
 * <p>Concurrency: the diff, desired and approval consumers and the retry thread call in
 * concurrently; all work on one resource runs under that resource's lock, so a resource is never
 * applied by two threads at once.
 */
public final class ApplyEngine {

  private static final Logger LOG = LoggerFactory.getLogger(ApplyEngine.class);
  private static final int STRIPES = 256;
  private static final Duration DESIRED_POLL = Duration.ofSeconds(1);

  private final String source;
  private final List<ResourceApplier> appliers;
  private final DesiredBook desired;
  private final Approvals approvals;
  private final DiffLedger ledger;
  private final RetryScheduler scheduler;
  private final PolicyResolver policies;
  private final SecretValues secrets;
  private final EventSink events;
  private final ApplierMetrics metrics;
  private final Backoff backoff;
  private final Duration desiredWaitTimeout;
  private final String prunePropagation;
  private final Clock clock;
  private final ReentrantLock[] locks = new ReentrantLock[STRIPES];
  private final Map<ResourceKey, String> currentDiff = new ConcurrentHashMap<>();
  private final Map<ResourceKey, Work> awaitingApproval = new ConcurrentHashMap<>();

  /** Wires the engine; see {@code ApplierConfiguration}. */
  public ApplyEngine(
      String source,
      List<ResourceApplier> appliers,
      DesiredBook desired,
      Approvals approvals,
      DiffLedger ledger,
      RetryScheduler scheduler,
      PolicyResolver policies,
      SecretValues secrets,
      EventSink events,
      ApplierMetrics metrics,
      Backoff backoff,
      Duration desiredWaitTimeout,
      String prunePropagation,
      Clock clock) {
    this.source = source;
    this.appliers = List.copyOf(appliers);
    this.desired = desired;
    this.approvals = approvals;
    this.ledger = ledger;
    this.scheduler = scheduler;
    this.policies = policies;
    this.secrets = secrets;
    this.events = events;
    this.metrics = metrics;
    this.backoff = backoff;
    this.desiredWaitTimeout = desiredWaitTimeout;
    this.prunePropagation = prunePropagation;
    this.clock = clock;
    for (int i = 0; i < STRIPES; i++) {
      locks[i] = new ReentrantLock();
    }
    scheduler.runWith(this::retry);
    metrics.gauges(scheduler::size, awaitingApproval::size);
  }

  /** Whether some applier of this process is responsible for the resource. */
  public boolean handles(ResourceKey key) {
    return applierFor(key) != null;
  }

  /**
   * Handles one event of {@code opsledger.diffs}.
   *
   * <p>Idempotent: the dedupe key is the diff's {@code ce_id}; a diff already handled to a final
   * outcome is not applied again (recorded as {@code ApplySkipped(already-applied)}), and should
   * the bounded ledger have forgotten it, server-side apply of the same manifest is {@code
   * Unchanged}.
   */
  public void onDiff(EventEnvelope<? extends ResourceEvent> diff) {
    ResourceKey key = diff.data().resource();
    if (!handles(key)) {
      return;
    }
    withLock(
        key,
        () -> {
          if (ledger.contains(diff.id())) {
            metrics.duplicate();
            skip(
                new Work(diff, 1, now()),
                Decider.ALREADY_APPLIED,
                "diff " + diff.id() + " was already handled");
            return;
          }
          currentDiff.put(key, diff.id());
          scheduler.cancel(key);
          awaitingApproval.remove(key);
          if (DiffKind.of(diff.data()) == null) {
            // In sync, removed, or not comparable: nothing to converge, pending work is moot.
            return;
          }
          run(new Work(diff, 1, now()));
        });
  }

  /**
   * Handles one event of {@code opsledger.desired}. Idempotent: dedupe key is (resource, revision);
   * a revision already known changes nothing.
   */
  public void onDesired(ResourceEvent event) {
    boolean isNew;
    if (event instanceof DesiredStateChanged c) {
      isNew = desired.changed(c);
    } else if (event instanceof DesiredStateRemoved r) {
      isNew = desired.removed(r);
    } else {
      return;
    }
    if (isNew && scheduler.pendingOf(event.resource()) != null) {
      ResourceKey key = event.resource();
      scheduler.wake(key::equals);
    }
  }

  /**
   * Handles one {@code SyncApproved}: applies the diffs waiting for it. Idempotent: approvals are a
   * set of (resource or source, revision); a diff already applied after an approval is in the
   * ledger and is not applied again.
   */
  public void onApproval(SyncApproved approval) {
    DesiredView view = approval.resource() == null ? null : desired.view(approval.resource());
    approvals.add(approval, view == null ? null : view.newestRevision());
    for (Map.Entry<ResourceKey, Work> e : awaitingApproval.entrySet()) {
      Work w = e.getValue();
      ResourceEvent data = w.diff().data();
      String revision = DiffKind.revisionOf(data);
      if (!Approvals.matches(approval, e.getKey(), DiffKind.sourceOf(data), revision)) {
        continue;
      }
      withLock(
          e.getKey(),
          () -> {
            if (awaitingApproval.remove(e.getKey(), w)) {
              run(new Work(w.diff(), 1, now()));
            }
          });
    }
  }

  /**
   * Restores what was derived from the log at start: the ledger, the revisions last applied, the
   * approvals; pending work is scheduled now, in {@link KindOrder}; diffs waiting for approval wait
   * again, unless an approval for them is already in the log.
   */
  public void restore(PendingWork.Derived derived, List<SyncApproved> approvalLog) {
    derived.done().forEach(ledger::add);
    derived
        .lastApplied()
        .forEach(
            (key, revision) -> {
              if (revision.isEmpty()) {
                desired.deleted(key);
              } else {
                desired.applied(key, revision);
              }
            });
    for (SyncApproved a : approvalLog) {
      DesiredView view = a.resource() == null ? null : desired.view(a.resource());
      approvals.add(a, view == null ? null : view.newestRevision());
    }
    List<Work> now = new java.util.ArrayList<>(derived.pending());
    for (Work w : derived.awaiting()) {
      if (!handles(w.key())) {
        continue;
      }
      ResourceEvent data = w.diff().data();
      currentDiff.put(w.key(), w.id());
      if (approvals.approves(w.key(), DiffKind.sourceOf(data), DiffKind.revisionOf(data))) {
        now.add(w);
      } else {
        awaitingApproval.put(w.key(), w);
      }
    }
    now.stream()
        .filter(w -> handles(w.key()))
        .sorted(KindOrder.BY_KEY)
        .forEach(
            w -> {
              currentDiff.put(w.key(), w.id());
              scheduler.schedule(w, Duration.ZERO);
            });
    LOG.info(
        "restored from the log: {} pending, {} awaiting approval, {} handled diffs",
        scheduler.size(),
        awaitingApproval.size(),
        derived.done().size());
  }

  /** Diffs waiting for approval. */
  public int awaitingApprovals() {
    return awaitingApproval.size();
  }

  private void retry(Work work) {
    withLock(
        work.key(),
        () -> {
          if (!work.id().equals(currentDiff.get(work.key()))) {
            // A newer diff of the resource superseded this one.
            return;
          }
          run(work);
        });
  }

  private void run(Work work) {
    ResourceEvent diff = work.diff().data();
    DiffKind kind = DiffKind.of(diff);
    String revision = DiffKind.revisionOf(diff);
    DesiredView view = desired.view(work.key());
    String sourceId = DiffKind.sourceOf(diff) != null ? DiffKind.sourceOf(diff) : sourceOf(view);
    SyncPolicy policy = policies.resolve(sourceId, view == null ? null : view.manifest());
    boolean approved = !policy.autoSync() && approvals.approves(work.key(), sourceId, revision);
    Decision decision = Decider.decide(kind, revision, view, policy, approved);
    if (decision instanceof Decision.AwaitDesired a) {
      awaitDesired(work, a);
    } else if (decision instanceof Decision.Skip s) {
      skip(work, s.policy(), s.detail());
      if (Decider.MANUAL_APPROVAL.equals(s.policy())) {
        awaitingApproval.put(work.key(), work);
      }
    } else if (decision instanceof Decision.Apply a) {
      apply(work, view, a);
    } else if (decision instanceof Decision.Delete d) {
      delete(work, view, d);
    }
  }

  private void awaitDesired(Work work, Decision.AwaitDesired await) {
    if (Duration.between(work.firstSeen(), now()).compareTo(desiredWaitTimeout) > 0) {
      fail(
          work,
          ApplyAction.APPLY,
          new Failure.Terminal(
              "DesiredUnknown",
              await.detail() + " within " + desiredWaitTimeout + ": nothing to apply",
              null),
          null);
      return;
    }
    // Not an attempt: the desired consumer is behind. The desired record wakes it up at once;
    // the poll is a safety net.
    scheduler.schedule(work, DESIRED_POLL);
  }

  private void apply(Work work, DesiredView view, Decision.Apply decision) {
    ResourceApplier applier = applierFor(work.key());
    String revision = DiffKind.revisionOf(work.diff().data());
    SecretValues.Opened opened;
    try {
      opened = secrets.open(view.manifest());
    } catch (IllegalArgumentException e) {
      started(work, ApplyAction.APPLY, decision.dryRun());
      fail(
          work,
          ApplyAction.APPLY,
          new Failure.Terminal("SecretUnreadable", e.getMessage(), null),
          null);
      return;
    }
    ApplyRequest request =
        new ApplyRequest(
            work.key(),
            opened.manifest(),
            sourceOf(view),
            revision,
            decision.dryRun(),
            decision.forceConflicts());
    started(work, ApplyAction.APPLY, decision.dryRun());
    Instant t0 = clock.instant();
    Outcome outcome = applier.apply(request);
    metrics.latency(work.key().kind(), "apply", Duration.between(t0, clock.instant()));
    finish(work, ApplyAction.APPLY, decision.dryRun(), outcome, opened, t0);
    if (!decision.dryRun() && isSuccess(outcome)) {
      desired.applied(work.key(), revision);
      Predicate<ResourceKey> unblocked = applier.unblocks(request);
      if (unblocked != null) {
        scheduler.wake(unblocked);
      }
    }
  }

  private void delete(Work work, DesiredView view, Decision.Delete decision) {
    ResourceApplier applier = applierFor(work.key());
    DeleteRequest request =
        new DeleteRequest(
            work.key(), view == null ? null : view.manifest(), prunePropagation, decision.dryRun());
    started(work, ApplyAction.DELETE, decision.dryRun());
    Instant t0 = clock.instant();
    Outcome outcome = applier.delete(request);
    metrics.latency(work.key().kind(), "delete", Duration.between(t0, clock.instant()));
    finish(work, ApplyAction.DELETE, decision.dryRun(), outcome, null, t0);
    if (!decision.dryRun() && isSuccess(outcome)) {
      desired.deleted(work.key());
    }
  }

  private void finish(
      Work work,
      ApplyAction action,
      boolean dryRun,
      Outcome outcome,
      SecretValues.Opened opened,
      Instant t0) {
    if (outcome instanceof Outcome.Failed f) {
      fail(work, action, f.failure(), opened);
      return;
    }
    if (outcome instanceof Outcome.Skipped s) {
      skip(work, s.policy(), s.detail());
      return;
    }
    ApplyOutcome result = toEvent(outcome);
    Instant end = clock.instant();
    boolean sent =
        publishFinal(
            work,
            new ApplySucceeded(
                work.key(),
                sourceOfDiff(work),
                DiffKind.revisionOf(work.diff().data()),
                result,
                dryRun,
                work.attempt(),
                end.truncatedTo(ChronoUnit.MILLIS),
                Duration.between(t0, end).toMillis()));
    if (sent) {
      metrics.outcome(result.name().toLowerCase(java.util.Locale.ROOT), work.key().kind());
    }
  }

  private void fail(Work work, ApplyAction action, Failure failure, SecretValues.Opened opened) {
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
                  DiffKind.revisionOf(work.diff().data()),
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
    boolean sent =
        publishFinal(
            work,
            new ApplyFailed(
                work.key(),
                sourceOfDiff(work),
                DiffKind.revisionOf(work.diff().data()),
                true,
                failure.reason(),
                exhausted ? "gave up after " + work.attempt() + " attempts: " + message : message,
                failure.httpStatus(),
                work.attempt(),
                now,
                null));
    if (sent) {
      metrics.outcome("failed-terminal", work.key().kind());
    }
  }

  private void skip(Work work, String policy, String detail) {
    boolean sent =
        publishFinal(
            work,
            new ApplySkipped(
                work.key(),
                sourceOfDiff(work),
                DiffKind.revisionOf(work.diff().data()),
                policy,
                detail,
                now()));
    if (sent) {
      metrics.outcome("skipped", work.key().kind());
    }
  }

  private void started(Work work, ApplyAction action, boolean dryRun) {
    events.send(
        envelope(
            work,
            new ApplyStarted(
                work.key(),
                sourceOfDiff(work),
                DiffKind.revisionOf(work.diff().data()),
                action,
                dryRun,
                work.attempt(),
                now())));
  }

  /**
   * Publishes a final outcome and waits for Kafka; only then is the diff recorded as handled. When
   * Kafka does not acknowledge, the work is retried later (the apply itself is idempotent).
   */
  private boolean publishFinal(Work work, ResourceEvent event) {
    try {
      events.sendAndWait(envelope(work, event));
      ledger.add(work.id());
      return true;
    } catch (RuntimeException e) {
      Duration delay = backoff.delayAfter(work.attempt());
      LOG.warn(
          "outcome of {} not acknowledged by Kafka ({}); retrying in {}",
          work.key(),
          e.getMessage(),
          delay);
      scheduler.schedule(work.next(), delay);
      return false;
    }
  }

  private EventEnvelope<OpsLedgerEvent> envelope(Work work, ResourceEvent event) {
    EventEnvelope<? extends ResourceEvent> diff = work.diff();
    String revision = DiffKind.revisionOf(diff.data());
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

  private static boolean isSuccess(Outcome outcome) {
    return outcome instanceof Outcome.Created
        || outcome instanceof Outcome.Patched
        || outcome instanceof Outcome.Unchanged
        || outcome instanceof Outcome.Deleted;
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
    String s = DiffKind.sourceOf(work.diff().data());
    return s != null ? s : sourceOf(desired.view(work.key()));
  }

  private static String sourceOf(DesiredView view) {
    return view == null ? null : view.sourceId();
  }

  private ResourceApplier applierFor(ResourceKey key) {
    for (ResourceApplier a : appliers) {
      if (a.handles(key)) {
        return a;
      }
    }
    return null;
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  private void withLock(ResourceKey key, Runnable body) {
    ReentrantLock lock = locks[Math.floorMod(key.hashCode(), STRIPES)];
    lock.lock();
    try {
      body.run();
    } finally {
      lock.unlock();
    }
  }
}
