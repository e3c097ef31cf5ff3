package dev.opsledger.applier.engine;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsledger.applier.apply.Failure;
import dev.opsledger.applier.policy.PolicyResolver;
import dev.opsledger.applier.policy.SyncPolicy;
import dev.opsledger.applier.policy.SyncWindows;
import dev.opsledger.applier.rollback.Pauses;
import dev.opsledger.events.ApplyAction;
import dev.opsledger.events.DesiredStateChanged;
import dev.opsledger.events.DesiredStateRemoved;
import dev.opsledger.events.DiffEvent;
import dev.opsledger.events.DiffState;
import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.HealthStatus;
import dev.opsledger.events.ResourceEvent;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.events.RollbackRequested;
import dev.opsledger.events.SkipPolicy;
import dev.opsledger.events.SyncApproved;
import dev.opsledger.events.SyncResumed;
import dev.opsledger.service.core.LogContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Coordinates the applier: takes diffs, desired states and approvals (as {@code events/} records,
 * from the stream edge), decides with the pure {@link Decider}, and leaves the calls to the {@link
 * ResourceActions}, recording to the {@link OutcomeRecorder}, retries to the {@link RetryScheduler}
 * and serialisation to the {@link ResourceLocks}.
 *
 * <p>Invariants: all work on one resource runs under its lock; the resource's newest diff is the
 * only one acted on (a newer diff cancels the older one's pending retry or approval wait); a diff
 * handled to a final outcome is never applied again; a diff waiting for approval waits in memory
 * and again after a restart ({@link PendingWork}).
 */
public final class ApplyEngine {

  private static final Logger LOG = LoggerFactory.getLogger(ApplyEngine.class);
  private static final Duration DESIRED_POLL = Duration.ofSeconds(1);
  private static final Duration WINDOW_RECHECK = Duration.ofHours(1);

  /**
   * How long a write waits for its declared namespace or CRD before it is tried anyway (and, should
   * the prerequisite still be missing, fails and is retried with backoff as any failure): a bound,
   * so that a prerequisite that never converges cannot hold its objects for ever. Long, because the
   * prerequisite's diff can sit behind thousands of records on its partition: 2 min let 8 of 1,010
   * objects fail once on a 2-core machine at load 37.
   */
  private static final Duration PREREQUISITE_WAIT = Duration.ofMinutes(10);

  /** A safety net: the prerequisite's apply or in-sync diff wakes a waiting write at once. */
  private static final Duration PREREQUISITE_RECHECK = Duration.ofSeconds(5);

  /** A safety net: diffs and health reports wake a write waiting for order at once. */
  private static final Duration ORDER_RECHECK = Duration.ofSeconds(5);

  private final ResourceActions actions;
  private final DesiredBook desired;
  private final Approvals approvals;
  private final PolicyResolver policies;
  private final RetryScheduler scheduler;
  private final OutcomeRecorder recorder;
  private final Duration desiredWaitTimeout;
  private final Clock clock;
  private final ResourceLocks locks = new ResourceLocks();
  private final Map<ResourceKey, String> currentDiff = new ConcurrentHashMap<>();
  private final Map<ResourceKey, Work> awaitingApproval = new ConcurrentHashMap<>();
  private final java.util.Set<String> announcedHolds = ConcurrentHashMap.newKeySet();

  /** Resources a rollback paused, and the diff each last held back (run again on resume). */
  private final Pauses pauses = new Pauses();

  private final Map<ResourceKey, Work> heldByPause = new ConcurrentHashMap<>();

  /**
   * The diff each resource last recorded a window refusal for: one event per diff, not per check.
   */
  private final Map<ResourceKey, String> windowSkipped = new ConcurrentHashMap<>();

  private final OrderGate order;
  private final ApplyLanes lanes;
  private final Prerequisites prerequisites = new Prerequisites();

  /** The source of each resource whose write waits for order (sync waves, depends-on). */
  private final Map<ResourceKey, String> waitingForOrder = new ConcurrentHashMap<>();

  /**
   * The diff and what it waits for, last recorded per resource: one event per wait, not per check.
   */
  private final Map<ResourceKey, String> orderSkipped = new ConcurrentHashMap<>();

  /** Which resources this replica does the work of (see {@link Ownership}). */
  private volatile Ownership ownership = Ownership.ALL;

  /**
   * Rollbacks this replica took live while it owned their resource: taking over a resource from the
   * log does not run them again.
   */
  private final java.util.Set<String> rollbacksTaken = ConcurrentHashMap.newKeySet();

  /**
   * Wires the engine; see {@code ApplierConfiguration}. Takes over running the scheduler's due
   * work.
   *
   * @param actions carries out applies and deletes
   * @param desired what the log declares
   * @param approvals the approvals seen
   * @param policies the policy of each resource
   * @param scheduler pending retries
   * @param recorder records outcomes
   * @param desiredWaitTimeout how long a diff waits for the revision it names
   * @param clock the time
   */
  public ApplyEngine(
      ResourceActions actions,
      DesiredBook desired,
      Approvals approvals,
      PolicyResolver policies,
      RetryScheduler scheduler,
      OutcomeRecorder recorder,
      Duration desiredWaitTimeout,
      Clock clock) {
    this(
        actions,
        desired,
        approvals,
        policies,
        scheduler,
        recorder,
        desiredWaitTimeout,
        clock,
        OrderGate.none(),
        ApplyLanes.direct());
  }

  /**
   * Wires the engine with an order between writes (sync waves, depends-on between sources).
   *
   * @param order the gate that holds a write until what it must follow has converged
   * @param lanes where diffs and due retries run: different resources concurrently, one resource in
   *     order ({@link ApplyLanes#direct()}: on the calling thread)
   */
  public ApplyEngine(
      ResourceActions actions,
      DesiredBook desired,
      Approvals approvals,
      PolicyResolver policies,
      RetryScheduler scheduler,
      OutcomeRecorder recorder,
      Duration desiredWaitTimeout,
      Clock clock,
      OrderGate order,
      ApplyLanes lanes) {
    this.order = order;
    this.lanes = lanes;
    this.actions = actions;
    this.desired = desired;
    this.approvals = approvals;
    this.policies = policies;
    this.scheduler = scheduler;
    this.recorder = recorder;
    this.desiredWaitTimeout = desiredWaitTimeout;
    this.clock = clock;
    scheduler.runWith(this::dispatch);
  }

  /**
   * Sets which resources this replica does the work of; until then, and in tests, all. Work of
   * other resources is left to their owner: nothing is applied, retried, held or rolled back here.
   */
  public void ownedBy(Ownership ownership) {
    this.ownership = ownership;
  }

  /** Whether this replica does the work of the resource now. */
  public boolean owns(ResourceKey key) {
    return ownership.owns(key);
  }

  /** Whether some applier of this process is responsible for the resource. */
  public boolean handles(ResourceKey key) {
    return actions.handles(key);
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
    if (!ownership.owns(key)) {
      seen(diff);
      return;
    }
    Work[] toRun = new Work[1];
    locks.run(
        key,
        () -> {
          if (diff.data() instanceof DiffEvent d) {
            order.noteDiff(d);
          }
          if (recorder.handled(diff.id())) {
            recorder.duplicate(new Work(diff, 1, now()));
            return;
          }
          currentDiff.put(key, diff.id());
          scheduler.cancel(key);
          awaitingApproval.remove(key);
          if (!Work.actionable(diff.data())) {
            // In sync, removed, or not comparable: nothing to converge, pending work is moot.
            return;
          }
          toRun[0] = new Work(diff, 1, now());
        });
    if (toRun[0] != null) {
      // Outside the lock: handing over may wait for room in the lane, whose running work may need
      // this lock's stripe.
      dispatch(toRun[0]);
    }
    wakeOrdered(key);
    if (Prerequisites.isPrerequisite(key) && order.inSync(key)) {
      scheduler.wake(prerequisites.waitingOn(key));
    }
  }

  /**
   * Notes a diff of a resource another replica owns: the order of writes (waves, depends-on,
   * prerequisites) of this replica's resources may wait for it. Nothing is applied. A diff of a
   * resource this replica owns is left to {@link #onDiff}, which the shared diffs consumer calls.
   */
  public void onDiffSeen(EventEnvelope<? extends ResourceEvent> diff) {
    ResourceKey key = diff.data().resource();
    if (handles(key) && !ownership.owns(key)) {
      seen(diff);
    }
  }

  private void seen(EventEnvelope<? extends ResourceEvent> diff) {
    ResourceKey key = diff.data().resource();
    if (diff.data() instanceof DiffEvent d) {
      order.noteDiff(d);
    }
    wakeOrdered(key);
    if (Prerequisites.isPrerequisite(key) && order.inSync(key)) {
      scheduler.wake(prerequisites.waitingOn(key));
    }
  }

  /**
   * Hands back the work of resources this replica no longer owns (their diffs partitions went to
   * another replica): pending retries, diffs awaiting approval, holds and pauses are dropped, then
   * it waits, at most {@code wait}, until the work already running has finished and Kafka has
   * acknowledged its outcomes, so that the next owner, which derives the work from the log, finds
   * them there. Call it after {@link #ownedBy}'s ownership stopped covering them.
   */
  public void release(java.util.function.Predicate<ResourceKey> gone, Duration wait)
      throws InterruptedException {
    scheduler.cancelIf(gone);
    awaitingApproval.keySet().removeIf(gone);
    heldByPause.keySet().removeIf(gone);
    waitingForOrder.keySet().removeIf(gone);
    windowSkipped.keySet().removeIf(gone);
    orderSkipped.keySet().removeIf(gone);
    currentDiff.keySet().removeIf(gone);
    for (ResourceKey key : pauses.keys()) {
      if (gone.test(key)) {
        pauses.resume(key);
      }
    }
    Instant until = clock.instant().plus(wait);
    if (!lanes.awaitDone(wait)) {
      LOG.warn("work still running after {} while handing resources over", wait);
    }
    Duration left = Duration.between(clock.instant(), until);
    recorder.awaitAcknowledged(left.isNegative() ? Duration.ZERO : left);
  }

  /**
   * Takes over, from the log, a rollback of a resource this replica now owns: one already carried
   * out pauses the resource again (unless its source moved past it); one not carried out yet runs,
   * unless this replica took it live already.
   */
  public void adoptRollback(EventEnvelope<RollbackRequested> rollback) {
    if (rollbacksTaken.contains(rollback.id())) {
      return;
    }
    if (recorder.handled(rollback.id())) {
      restorePauses(List.of(rollback));
    } else {
      onRollback(rollback);
    }
  }

  /**
   * Handles one {@code ResourceHealthChanged} of {@code opsledger.observed}: writes that wait for
   * this resource to be healthy are asked again. Idempotent: the latest health replaces the last.
   */
  public void onHealth(ResourceKey key, HealthStatus health) {
    if (!handles(key)) {
      return;
    }
    order.noteHealth(key, health);
    wakeOrdered(key);
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
    if (isNew) {
      DesiredView view = desired.view(event.resource());
      prerequisites.noteDesired(event.resource(), view);
      order.noteDesired(event.resource(), view, now());
      wakeOrdered(event.resource());
    }
    if (isNew && scheduler.pendingOf(event.resource()) != null) {
      ResourceKey key = event.resource();
      scheduler.wake(key::equals);
    }
    if (isNew && pauses.size() > 0) {
      resumeMovedPast(event);
    }
  }

  /**
   * Handles one {@code RollbackRequested}: pauses auto-sync of the resource and applies the
   * manifest the rollback names, as a manual sync would (the policy's dry-run and force-conflicts
   * hold; detect-only and sync windows, which govern automatic writes, do not stop an operator's
   * explicit rollback). A newer diff or rollback of the resource replaces any pending work.
   *
   * <p>Idempotent: the dedupe key is the rollback's {@code ce_id}; one handled to a final outcome
   * is not applied, nor paused, again.
   */
  public void onRollback(EventEnvelope<RollbackRequested> rollback) {
    ResourceKey key = rollback.data().resource();
    if (!handles(key) || !ownership.owns(key)) {
      // Another replica's resource: its owner rolls it back (or takes it over from the log).
      return;
    }
    locks.run(
        key,
        () -> {
          if (recorder.handled(rollback.id()) || !rollbacksTaken.add(rollback.id())) {
            return;
          }
          pauses.pause(rollback.data(), rollback.id());
          heldByPause.remove(key);
          currentDiff.put(key, rollback.id());
          scheduler.cancel(key);
          awaitingApproval.remove(key);
          LOG.info(
              "{}: rolling back to {} for {}; auto-sync paused until source {} moves",
              key,
              rollback.data().targetRevision(),
              rollback.data().requestedBy(),
              rollback.data().sourceId());
          run(new Work(rollback, 1, now()));
        });
  }

  /**
   * Pauses again, at start, the resources that rollbacks on the log paused and that no {@code
   * SyncResumed} followed, unless their source has moved past the pause meanwhile (a declaration
   * read at start has a higher sequence): then Git's newest state is applied as its diffs come, as
   * after a resume.
   */
  public void restorePauses(List<EventEnvelope<RollbackRequested>> rollbacks) {
    for (EventEnvelope<RollbackRequested> e : rollbacks) {
      RollbackRequested r = e.data();
      if (handles(r.resource()) && !sourceMovedPast(r)) {
        pauses.pause(r, e.id());
      }
    }
    if (pauses.size() > 0) {
      LOG.info("restored from the log: {} resources paused by a rollback", pauses.size());
    }
  }

  private boolean sourceMovedPast(RollbackRequested r) {
    if (r.pausedSequence() == null) {
      return false;
    }
    boolean[] moved = {false};
    desired.forEach(
        (key, view) -> {
          if (r.sourceId().equals(view.sourceId())
              && view.order().values().stream().anyMatch(p -> p > r.pausedSequence())) {
            moved[0] = true;
          }
        });
    return moved[0];
  }

  /** Resources a rollback paused (auto-sync held until Git moves). */
  public int pausedResources() {
    return pauses.size();
  }

  /**
   * Ends the pauses a new declaration of their source moves past: records {@code SyncResumed} and
   * runs again the diff the pause held back, when it still names the resource's newest revision (a
   * resource the new revision changed gets a new diff of its own).
   */
  private void resumeMovedPast(ResourceEvent event) {
    String sourceId =
        event instanceof DesiredStateChanged c
            ? c.sourceId()
            : ((DesiredStateRemoved) event).sourceId();
    Long sequence =
        event instanceof DesiredStateChanged c
            ? c.sequence()
            : ((DesiredStateRemoved) event).sequence();
    String revision =
        event instanceof DesiredStateChanged c
            ? c.revision()
            : ((DesiredStateRemoved) event).revision();
    for (ResourceKey key : pauses.movedPast(sourceId, sequence)) {
      locks.run(key, () -> resume(key, revision));
    }
  }

  /** Ends the resource's pause; the caller holds its lock. */
  private void resume(ResourceKey key, String revision) {
    Pauses.Pause pause = pauses.resume(key);
    if (pause == null) {
      return;
    }
    RollbackRequested r = pause.request();
    recorder.resumed(
        new SyncResumed(key, r.sourceId(), r.targetRevision(), revision, now()), pause.requestId());
    LOG.info("{}: Git moved to {}; auto-sync resumed after the rollback", key, revision);
    Work held = heldByPause.remove(key);
    DesiredView view = desired.view(key);
    if (held != null
        && held.id().equals(currentDiff.get(key))
        && view != null
        && held.revision() != null
        && held.revision().equals(view.newestRevision())) {
      run(new Work(held.diff(), 1, now()));
    }
  }

  /**
   * Handles one {@code SyncApproved}: applies the diffs waiting for the revision it names (one that
   * names none approves nothing, see {@link Approvals}). Idempotent: approvals are a set of
   * (resource or source, revision); a diff already applied after an approval is in the ledger and
   * is not applied again.
   */
  public void onApproval(SyncApproved approval) {
    if (!approvals.add(approval)) {
      return;
    }
    for (Map.Entry<ResourceKey, Work> e : awaitingApproval.entrySet()) {
      Work w = e.getValue();
      if (!Approvals.matches(approval, e.getKey(), w.sourceId(), w.revision())) {
        continue;
      }
      locks.run(
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
    recorder.handled(derived.done());
    restoreLastApplied(derived.lastApplied());
    approvalLog.forEach(approvals::add);
    List<Work> now = new ArrayList<>(derived.pending());
    now.addAll(awaitAgainUnlessApproved(derived.awaiting()));
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

  /**
   * Puts back the desired state a snapshot or a replay at start rebuilt for a resource (before
   * {@link #restore}; nothing is scheduled yet, so nothing is woken).
   */
  public void restoreDesired(ResourceKey key, DesiredView view) {
    desired.restore(key, view);
    prerequisites.noteDesired(key, view);
    order.noteDesired(key, view);
  }

  /**
   * Puts back a resource's latest diff as a replay at start found it (before {@link #restore}), so
   * that the order of writes knows what has converged.
   */
  public void restoreDiff(DiffEvent diff) {
    order.noteDiff(diff);
  }

  /**
   * Forgets resources removed long ago (see {@link ReplayState#compact}), unless work on them is
   * pending or waits for approval, or they were declared again meanwhile: what keeps memory from
   * growing with every resource ever declared.
   */
  public void forget(List<ResourceKey> keys) {
    for (ResourceKey key : keys) {
      locks.run(
          key,
          () -> {
            DesiredView view = desired.view(key);
            // Declared again since the snapshot's offsets: not removed any more, keep it.
            boolean stillRemoved = view == null || view.removed();
            if (stillRemoved
                && scheduler.pendingOf(key) == null
                && !awaitingApproval.containsKey(key)) {
              desired.forget(key);
              order.forget(key);
              currentDiff.remove(key);
            }
          });
    }
  }

  /** The newest revision declared for the resource that this applier has read, or {@code null}. */
  public String newestRevision(ResourceKey key) {
    DesiredView view = desired.view(key);
    return view == null ? null : view.newestRevision();
  }

  /** Diffs waiting for approval. */
  public int awaitingApprovals() {
    return awaitingApproval.size();
  }

  private void restoreLastApplied(Map<ResourceKey, String> lastApplied) {
    lastApplied.forEach(
        (key, revision) -> {
          if (revision.isEmpty()) {
            desired.deleted(key);
          } else {
            desired.applied(key, revision);
          }
        });
  }

  /** Puts the diffs that waited for approval back to waiting; returns those already approved. */
  private List<Work> awaitAgainUnlessApproved(List<Work> awaiting) {
    List<Work> approved = new ArrayList<>();
    for (Work w : awaiting) {
      if (!handles(w.key())) {
        continue;
      }
      currentDiff.put(w.key(), w.id());
      if (approvals.approves(w.key(), w.sourceId(), w.revision())) {
        approved.add(w);
      } else {
        awaitingApproval.put(w.key(), w);
      }
    }
    return approved;
  }

  /**
   * Hands work over to its resource's lane, where it runs unless a newer diff of the resource
   * superseded it meanwhile. Work the lanes refuse (they are closed: the applier is stopping) is
   * derived again from the log at the next start.
   */
  private void dispatch(Work work) {
    try {
      lanes.submit(
          work.key(),
          () -> {
            try (LogContext context = LogContext.of(work.key(), work.diff().correlation())) {
              retry(work);
            } catch (RuntimeException e) {
              // The engine reschedules its own failures; anything escaping is a bug, logged not
              // lost.
              LOG.error("work on {} failed unexpectedly; retrying in 30 s", work.key(), e);
              scheduler.schedule(work, Duration.ofSeconds(30));
            }
          });
    } catch (RejectedExecutionException e) {
      LOG.info(
          "the applier is stopping: {} is left to the next start ({})", work.key(), e.getMessage());
    }
  }

  private void retry(Work work) {
    locks.run(
        work.key(),
        () -> {
          if (!ownership.owns(work.key())) {
            // Handed over to another replica, which derives the work from the log.
            return;
          }
          if (!work.id().equals(currentDiff.get(work.key()))) {
            // A newer diff of the resource superseded this one.
            return;
          }
          run(work);
        });
  }

  /** Decides what the diff calls for and does it; the caller holds the resource's lock. */
  private void run(Work work) {
    waitingForOrder.remove(work.key());
    if (work.rollback() != null) {
      // A rollback is a manual sync: it goes now, whatever the waves and depends-on wait for.
      rollBack(work);
      return;
    }
    DesiredView view = desired.view(work.key());
    Decision decision = decide(work, view);
    if (heldByRollback(work, view, decision)) {
      return;
    }
    if (decision instanceof Decision.AwaitDesired a) {
      awaitDesired(work, a);
    } else if (decision instanceof Decision.Skip s) {
      skip(work, s);
    } else if (decision instanceof Decision.HoldPrune h) {
      holdPrune(work, h);
    } else if (decision instanceof Decision.WaitForWindow w) {
      waitForWindow(work, w);
    } else if (decision instanceof Decision.WaitForOrder o) {
      waitForOrder(work, o);
    } else if (decision instanceof Decision.Apply a) {
      if (!a.dryRun() && awaitPrerequisite(work)) {
        return;
      }
      actions.apply(work, view, a);
      wakeIfPrerequisiteApplied(work.key());
    } else if (decision instanceof Decision.Delete d) {
      actions.delete(work, view, d);
    }
  }

  /**
   * Applies a rollback's manifest, as a manual sync: the source's dry-run and force-conflicts
   * settings hold. Its outcome names the target revision, which becomes the revision last applied.
   */
  private void rollBack(Work work) {
    RollbackRequested r = work.rollback();
    Pauses.Pause pause = pauses.of(work.key());
    if (pause == null || !pause.requestId().equals(work.id())) {
      // Git moved, or another rollback replaced this one, before a retry came due.
      return;
    }
    if (!(r.manifest() instanceof ObjectNode manifest)) {
      return;
    }
    DesiredView view =
        new DesiredView(r.sourceId(), r.pausedRevision(), manifest, false, null, Map.of());
    SyncPolicy policy = policies.resolve(r.sourceId(), manifest);
    actions.apply(work, view, new Decision.Apply(policy.dryRun(), policy.forceConflicts()));
  }

  /**
   * Holds back a write while a rollback pauses the resource, as {@code
   * ApplySkipped(rollback-paused)}: its drift is reported, not healed. A diff that names a revision
   * declared after the pause means Git moved (the declaration may still be on its way to this
   * applier's desired consumer): the pause ends and the diff goes on.
   */
  private boolean heldByRollback(Work work, DesiredView view, Decision decision) {
    Pauses.Pause pause = pauses.of(work.key());
    boolean writes =
        (decision instanceof Decision.Apply a && !a.dryRun())
            || (decision instanceof Decision.Delete d && !d.dryRun())
            || decision instanceof Decision.WaitForWindow;
    if (pause == null || !writes) {
      return false;
    }
    Long position = view == null ? null : view.order().get(work.revision());
    if (position != null && pause.movedPast(pause.request().sourceId(), position)) {
      resume(work.key(), work.revision());
      return false;
    }
    heldByPause.put(work.key(), work);
    recorder.skipped(work, SkipPolicy.ROLLBACK_PAUSED, pause.detail(work.revision()));
    return true;
  }

  private Decision decide(Work work, DesiredView view) {
    DiffState kind = work.state();
    String revision = work.revision();
    String sourceId = work.sourceId() != null ? work.sourceId() : sourceOf(view);
    SyncPolicy policy = policies.resolve(sourceId, view == null ? null : view.manifest());
    Decision decision =
        Decider.decide(
            kind, revision, view, policy, () -> approvals.approves(work.key(), sourceId, revision));
    return windowed(ordered(work, decision), policies.windows(sourceId));
  }

  /**
   * A write waits for what it must follow (sync waves, depends-on); a dry run writes nothing, and
   * goes. Checked before the sync windows, so a write released by its order still waits for a
   * window.
   */
  private Decision ordered(Work work, Decision decision) {
    boolean apply = decision instanceof Decision.Apply a && !a.dryRun();
    boolean delete = decision instanceof Decision.Delete d && !d.dryRun();
    if (!apply && !delete) {
      return decision;
    }
    Decision.WaitForOrder wait = order.check(work.key(), delete, this::prunes, now());
    return wait == null ? decision : wait;
  }

  /** Whether a resource Git no longer declares would be pruned by its policy. */
  private boolean prunes(ResourceKey key) {
    DesiredView view = desired.view(key);
    SyncPolicy policy = policies.resolve(sourceOf(view), view == null ? null : view.manifest());
    return policy.prune() && !policy.detectOnly();
  }

  /**
   * Records the wait once per diff and thing waited for (the {@code ApplySkipped} is on the log,
   * and is no outcome: the same diff is applied later, its {@code ApplyStarted} caused by it), and
   * parks the diff until a diff, a declaration or a health report of its source, or of a source it
   * depends on, wakes it; {@link #ORDER_RECHECK} is the safety net (and lets a health grace run
   * out).
   */
  private void waitForOrder(Work work, Decision.WaitForOrder w) {
    int colon = w.detail().indexOf(':');
    String what = work.id() + "|" + (colon < 0 ? w.detail() : w.detail().substring(0, colon));
    if (!what.equals(orderSkipped.get(work.key()))) {
      recorder.skipped(work, w.policy(), w.detail());
      orderSkipped.put(work.key(), what);
    }
    String sourceId = order.sourceOf(work.key());
    waitingForOrder.put(work.key(), sourceId == null ? "" : sourceId);
    scheduler.schedule(work, ORDER_RECHECK);
  }

  /** Wakes the writes a change of this resource may release. */
  private void wakeOrdered(ResourceKey changed) {
    if (waitingForOrder.isEmpty()) {
      return;
    }
    String sourceId = order.sourceOf(changed);
    if (sourceId == null) {
      return;
    }
    java.util.Set<String> released = order.releasedBy(sourceId);
    scheduler.wake(k -> released.contains(waitingForOrder.get(k)));
  }

  /**
   * A write the source's sync windows refuse now waits for them; a dry run writes nothing, and
   * goes. Checked after every other rule, so an approval given while the window is closed is used
   * when it opens.
   */
  private Decision windowed(Decision decision, SyncWindows windows) {
    boolean writes =
        (decision instanceof Decision.Apply a && !a.dryRun())
            || (decision instanceof Decision.Delete d && !d.dryRun());
    if (!writes) {
      return decision;
    }
    SyncWindows.Verdict verdict = windows.verdict(now());
    if (verdict.open()) {
      return decision;
    }
    return new Decision.WaitForWindow(
        verdict.opensAt(),
        verdict.reason()
            + (verdict.opensAt() == null
                ? ": the change waits for a window to open (none in sight)"
                : ": the change waits until " + verdict.opensAt()));
  }

  private void awaitDesired(Work work, Decision.AwaitDesired await) {
    if (Duration.between(work.firstSeen(), now()).compareTo(desiredWaitTimeout) > 0) {
      recorder.failed(
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

  /**
   * Parks a write whose declared namespace or CRD is neither applied nor in sync yet. Not an
   * attempt (nothing is recorded): the prerequisite's successful apply, or its in-sync diff, wakes
   * it; {@link #PREREQUISITE_RECHECK} is the safety net, {@link #PREREQUISITE_WAIT} the bound.
   *
   * @return whether the write waits
   */
  private boolean awaitPrerequisite(Work work) {
    ResourceKey needed = prerequisites.pendingFor(work.key(), desired, order::inSync);
    if (needed == null
        || Duration.between(work.firstSeen(), now()).compareTo(PREREQUISITE_WAIT) > 0) {
      return false;
    }
    LOG.debug("{} waits for {} to be applied", work.key(), needed);
    scheduler.schedule(work, PREREQUISITE_RECHECK);
    // The prerequisite may have been applied between the check and the schedule: its wake-up
    // found nothing to wake then.
    if (prerequisites.pendingFor(work.key(), desired, order::inSync) == null) {
      scheduler.wake(work.key()::equals);
    }
    return true;
  }

  /** Wakes the writes waiting on a namespace or CRD that was just applied, whatever its target. */
  private void wakeIfPrerequisiteApplied(ResourceKey key) {
    if (!Prerequisites.isPrerequisite(key)) {
      return;
    }
    DesiredView after = desired.view(key);
    if (after != null && after.lastApplied() != null) {
      scheduler.wake(prerequisites.waitingOn(key));
    }
  }

  private void skip(Work work, Decision.Skip s) {
    recorder.skipped(work, s.policy(), s.detail());
    if (s.policy().waitsForApproval()) {
      awaitingApproval.put(work.key(), work);
    }
  }

  /**
   * Holds one prune of a mass-delete revision: the revision's {@code PruneHeld} (once per source
   * and revision in this process; its id is derived from them, so a repeat after a restart is a
   * duplicate readers drop), then the resource's {@code ApplySkipped(prune-held)}, and the diff
   * waits for an approval like a manual sync.
   */
  private void holdPrune(Work work, Decision.HoldPrune hold) {
    String revisionKey = hold.sourceId() + "@" + hold.revision();
    if (!announcedHolds.contains(revisionKey)
        && recorder.pruneHeld(work, hold.sourceId(), hold.revision(), hold.counts())) {
      announcedHolds.add(revisionKey);
    }
    skip(work, new Decision.Skip(SkipPolicy.PRUNE_HELD, hold.detail()));
  }

  /**
   * Records the window's refusal once per diff (the {@code ApplySkipped(sync-window-closed)} is the
   * decision on the log), and runs the diff again when the window opens: the retry that then
   * applies names the same diff as its cause. A newer diff replaces the wait, as it replaces a
   * retry. Without an opening in sight, the windows are asked again every {@link #WINDOW_RECHECK}.
   */
  private void waitForWindow(Work work, Decision.WaitForWindow w) {
    if (!work.id().equals(windowSkipped.get(work.key()))) {
      recorder.skipped(work, SkipPolicy.SYNC_WINDOW_CLOSED, w.detail());
      windowSkipped.put(work.key(), work.id());
    }
    Duration wait =
        w.opensAt() == null ? WINDOW_RECHECK : Duration.between(clock.instant(), w.opensAt());
    scheduler.schedule(work, wait.isNegative() ? Duration.ZERO : wait);
  }

  private static String sourceOf(DesiredView view) {
    return view == null ? null : view.sourceId();
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }
}
