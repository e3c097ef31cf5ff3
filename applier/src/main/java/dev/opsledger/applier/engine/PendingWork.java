package dev.opsledger.applier.engine;

import dev.opsledger.events.ApplyFailed;
import dev.opsledger.events.ApplyOutcome;
import dev.opsledger.events.ApplySkipped;
import dev.opsledger.events.ApplyStarted;
import dev.opsledger.events.ApplySucceeded;
import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.OpsLedgerEvent;
import dev.opsledger.events.ResourceEvent;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.events.SkipPolicy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Derives, from the log, the work that was pending when the applier stopped: pending work is
 * whatever diff is still not converged. Pure, so it is tested without Kafka.
 *
 * <p>For each resource, its latest diff counts. If it is actionable (missing, drift, extraneous)
 * and no final outcome was recorded for it (an {@code ApplySucceeded}, a terminal {@code
 * ApplyFailed} or an {@code ApplySkipped} whose causation is the diff's id), it is pending, at the
 * attempt after the last one started. If its final outcome is {@code ApplySkipped(manual-approval)}
 * or {@code ApplySkipped(prune-held)}, it waits for approval again. An {@code
 * ApplySkipped(sync-window-closed)}, {@code waiting-for-wave} or {@code waiting-for-source} is no
 * outcome: the diff is still pending.
 */
public final class PendingWork {

  private final Map<ResourceKey, EventEnvelope<? extends ResourceEvent>> latestDiff =
      new LinkedHashMap<>();

  /**
   * Diff ids with a final outcome, and whether that outcome is a wait for approval; in the order
   * they were first handled, so that {@link #compact} forgets the oldest.
   */
  private final Map<String, Boolean> finalWaitsForApproval = new LinkedHashMap<>();

  private final Map<String, Integer> attempts = new LinkedHashMap<>();
  private final Map<ResourceKey, String> lastApplied = new HashMap<>();

  /**
   * What the log says of one diff id: its final outcome, if any, and the attempts started.
   *
   * @param id the diff's event id
   * @param waitsForApproval {@code null}: no final outcome; else whether it waits for approval
   * @param attempts the highest attempt started, or {@code null}
   */
  public record Handled(String id, Boolean waitsForApproval, Integer attempts) {}

  /**
   * What was pending.
   *
   * @param pending work to run now
   * @param awaiting diffs waiting for approval
   * @param done ids of diffs with a final outcome (the dedupe ledger)
   * @param lastApplied the revision last applied per resource (for self-heal), {@code ""} after a
   *     delete
   */
  public record Derived(
      List<Work> pending,
      List<Work> awaiting,
      List<String> done,
      Map<ResourceKey, String> lastApplied) {}

  /** Adds a record of {@code opsledger.diffs}, in log order. */
  @SuppressWarnings("unchecked")
  public void diff(EventEnvelope<? extends OpsLedgerEvent> event) {
    if (event.data() instanceof ResourceEvent r) {
      latestDiff.put(r.resource(), (EventEnvelope<? extends ResourceEvent>) event);
    }
  }

  /** Adds a record of {@code opsledger.applies}, in log order. */
  public void apply(EventEnvelope<? extends OpsLedgerEvent> event) {
    String cause = event.causation();
    OpsLedgerEvent data = event.data();
    if (data instanceof ApplyStarted s) {
      attempts.merge(cause, s.attempt(), Math::max);
    } else if (data instanceof ApplySucceeded s) {
      finalWaitsForApproval.put(cause, false);
      if (!s.dryRun()) {
        lastApplied.put(
            s.resource(), s.outcome() == ApplyOutcome.DELETED ? "" : s.desiredRevision());
      }
    } else if (data instanceof ApplyFailed f && f.terminal()) {
      finalWaitsForApproval.put(cause, false);
    } else if (data instanceof ApplySkipped s) {
      if (s.skippedBy(SkipPolicy.ALREADY_APPLIED)) {
        // A redelivery says nothing of the diff's own outcome, which is earlier on the same
        // partition when there is one. A diff that only waited (for its window or its order) was
        // redelivered while it waited: it is still pending, not done.
        return;
      } else if (s.skippedBy(SkipPolicy.SYNC_WINDOW_CLOSED)
          || s.skipPolicy().map(SkipPolicy::waitsForOrder).orElse(false)) {
        // Not an outcome: the diff waits for its window, or for the resources it must follow, and
        // is applied then, so after a restart it is pending again (and waits again if it must).
        return;
      } else {
        finalWaitsForApproval.put(
            cause, s.skipPolicy().map(SkipPolicy::waitsForApproval).orElse(false));
      }
    }
  }

  /** The latest diff of every resource, in the order the resources were first seen. */
  public List<EventEnvelope<? extends ResourceEvent>> latestDiffs() {
    return List.copyOf(latestDiff.values());
  }

  /** Every diff id the log said something of, oldest first. */
  public List<Handled> handled() {
    Map<String, Handled> out = new LinkedHashMap<>();
    finalWaitsForApproval.forEach((id, waits) -> out.put(id, new Handled(id, waits, null)));
    attempts.forEach(
        (id, n) ->
            out.merge(
                id, new Handled(id, null, n), (a, b) -> new Handled(id, a.waitsForApproval(), n)));
    return List.copyOf(out.values());
  }

  /** The revision last applied per resource, {@code ""} after a delete. */
  public Map<ResourceKey, String> lastApplied() {
    return Map.copyOf(lastApplied);
  }

  /** Puts back what a snapshot held of a diff id. */
  public void restore(Handled h) {
    if (h.waitsForApproval() != null) {
      finalWaitsForApproval.put(h.id(), h.waitsForApproval());
    }
    if (h.attempts() != null) {
      attempts.put(h.id(), h.attempts());
    }
  }

  /** Puts back what a snapshot held of the revision last applied to a resource. */
  public void restoreApplied(ResourceKey key, String revision) {
    lastApplied.put(key, revision);
  }

  /** Forgets a resource's latest diff and last applied revision. */
  public void forget(ResourceKey key) {
    latestDiff.remove(key);
    lastApplied.remove(key);
  }

  /**
   * Bounds what is kept of diff ids to the redelivery window: the ids of the resources' latest
   * diffs (which decide what is pending) and the newest {@code keep} others (the dedupe ledger
   * holds no more than that anyway). Older ids are forgotten; the derived work does not change.
   */
  public void compact(int keep) {
    java.util.Set<String> latest = new java.util.HashSet<>();
    latestDiff.values().forEach(d -> latest.add(d.id()));
    trim(finalWaitsForApproval, keep, latest);
    trim(attempts, keep, latest);
  }

  private static void trim(Map<String, ?> ids, int keep, java.util.Set<String> latest) {
    int excess = ids.size() - keep;
    for (var it = ids.keySet().iterator(); it.hasNext() && excess > 0; ) {
      if (!latest.contains(it.next())) {
        it.remove();
        excess--;
      }
    }
  }

  /** The work derived from everything added. */
  public Derived derive(Instant now) {
    List<Work> pending = new ArrayList<>();
    List<Work> awaiting = new ArrayList<>();
    List<String> done = new ArrayList<>(finalWaitsForApproval.keySet());
    for (EventEnvelope<? extends ResourceEvent> diff : latestDiff.values()) {
      if (!Work.actionable(diff.data())) {
        continue;
      }
      Boolean waitsForApproval = finalWaitsForApproval.get(diff.id());
      if (waitsForApproval == null) {
        pending.add(new Work(diff, attempts.getOrDefault(diff.id(), 0) + 1, now));
      } else if (waitsForApproval) {
        awaiting.add(new Work(diff, 1, now));
      }
    }
    return new Derived(pending, awaiting, done, Map.copyOf(lastApplied));
  }
}
