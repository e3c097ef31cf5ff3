package dev.opsledger.applier.engine;

import dev.opsledger.events.ApplyFailed;
import dev.opsledger.events.ApplySkipped;
import dev.opsledger.events.ApplyStarted;
import dev.opsledger.events.ApplySucceeded;
import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.OpsLedgerEvent;
import dev.opsledger.events.ResourceEvent;
import dev.opsledger.events.ResourceKey;
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
 * attempt after the last one started. If its final outcome is {@code
 * ApplySkipped(manual-approval)}, it waits for approval again.
 */
public final class PendingWork {

  private final Map<ResourceKey, EventEnvelope<? extends ResourceEvent>> latestDiff =
      new LinkedHashMap<>();
  private final Map<String, String> finalPolicy = new HashMap<>();
  private final Map<String, Integer> attempts = new HashMap<>();
  private final Map<ResourceKey, String> lastApplied = new HashMap<>();

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
      finalPolicy.put(cause, "");
      if (!s.dryRun()) {
        lastApplied.put(
            s.resource(),
            s.outcome() == dev.opsledger.events.ApplyOutcome.DELETED ? "" : s.desiredRevision());
      }
    } else if (data instanceof ApplyFailed f && f.terminal()) {
      finalPolicy.put(cause, "");
    } else if (data instanceof ApplySkipped s) {
      if (Decider.ALREADY_APPLIED.equals(s.policy())) {
        // A redelivery: the diff's own outcome stays what it was.
        finalPolicy.putIfAbsent(cause, s.policy());
      } else {
        finalPolicy.put(cause, s.policy());
      }
    }
  }

  /** The work derived from everything added. */
  public Derived derive(Instant now) {
    List<Work> pending = new ArrayList<>();
    List<Work> awaiting = new ArrayList<>();
    List<String> done = new ArrayList<>(finalPolicy.keySet());
    for (EventEnvelope<? extends ResourceEvent> diff : latestDiff.values()) {
      if (DiffKind.of(diff.data()) == null) {
        continue;
      }
      String policy = finalPolicy.get(diff.id());
      if (policy == null) {
        pending.add(new Work(diff, attempts.getOrDefault(diff.id(), 0) + 1, now));
      } else if (Decider.MANUAL_APPROVAL.equals(policy)) {
        awaiting.add(new Work(diff, 1, now));
      }
    }
    return new Derived(pending, awaiting, done, Map.copyOf(lastApplied));
  }
}
