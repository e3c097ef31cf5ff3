package dev.opsledger.collector.observe;

import dev.opsledger.events.ObservationFailed;
import dev.opsledger.events.ObservedStateAbsent;
import dev.opsledger.events.ObservedStateChanged;
import dev.opsledger.events.ResourceKey;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The last thing reported per resource, and the rule that only a difference is reported.
 *
 * <p>A fingerprint is the content hash of a present resource (followed by {@code @<uid>} when it
 * has one), {@value #ABSENT} for an absent one, or {@code failed:<reason>:<message>} for a failure.
 * The uid is in the fingerprint so that an object deleted and recreated under the same name with
 * the same content is news even when the informer never saw it absent (a relist after a watch gap):
 * the differ must learn the new uid, or a later prune of that object would be refused as recreated.
 * An observation is news when its fingerprint differs from the remembered one; then the ledger
 * remembers the new fingerprint and returns the event to publish. So a resync that sees nothing
 * new, a status-only change and a second {@code not-found} lookup all emit nothing; a failure is
 * reported once until it changes or clears.
 *
 * <p>Not thread-safe: confined to the emitter's single thread.
 */
public final class ObservationLedger {

  /** The fingerprint of an absent resource. */
  public static final String ABSENT = "absent";

  private final Map<ResourceKey, String> last = new HashMap<>();

  /** Decides whether {@code observation} is news, remembering it if so. */
  public Verdict record(Observation observation, Instant now) {
    String fingerprint = fingerprintOf(observation);
    String previous = last.get(observation.key());
    if (Objects.equals(previous, fingerprint)) {
      return new Verdict.Unchanged();
    }
    last.put(observation.key(), fingerprint);
    return new Verdict.Emit(eventOf(observation, now), fingerprint);
  }

  /**
   * Forgets what was reported for {@code key} if it is still {@code fingerprint}: the event was not
   * acknowledged by Kafka, so the next sighting must report it again.
   */
  public void forget(ResourceKey key, String fingerprint) {
    last.remove(key, fingerprint);
  }

  /** Clears a failure remembered for {@code key} (e.g. a kind that can now be watched). */
  public void clearFailure(ResourceKey key) {
    String previous = last.get(key);
    if (previous != null && previous.startsWith("failed:")) {
      last.remove(key);
    }
  }

  /** What is remembered for {@code key}, or {@code null}. */
  public String fingerprint(ResourceKey key) {
    return last.get(key);
  }

  /** How many resources are remembered. */
  public int size() {
    return last.size();
  }

  private static String fingerprintOf(Observation observation) {
    if (observation instanceof Observation.Present p) {
      return p.uid() == null ? p.contentHash() : p.contentHash() + "@" + p.uid();
    }
    if (observation instanceof Observation.Absent) {
      return ABSENT;
    }
    Observation.Failed f = (Observation.Failed) observation;
    return "failed:" + f.reason().code() + ":" + f.message();
  }

  private static dev.opsledger.events.ResourceEvent eventOf(Observation observation, Instant now) {
    if (observation instanceof Observation.Present p) {
      return new ObservedStateChanged(
          p.key(), now, p.resourceVersion(), p.contentHash(), p.live(), p.managed(), p.uid());
    }
    if (observation instanceof Observation.Absent a) {
      return new ObservedStateAbsent(a.key(), now, a.reason());
    }
    Observation.Failed f = (Observation.Failed) observation;
    return new ObservationFailed(
        f.key(), now, f.reason().code(), f.message(), f.httpStatus(), f.retryable());
  }
}
