package dev.opsledger.collector.observe;

import dev.opsledger.events.HealthStatus;
import dev.opsledger.events.ObservationFailed;
import dev.opsledger.events.ObservedStateAbsent;
import dev.opsledger.events.ObservedStateChanged;
import dev.opsledger.events.ResourceHealthChanged;
import dev.opsledger.events.ResourceKey;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

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
 * <p>Health is remembered beside the fingerprint and reported on its own ({@link #recordHealth}): a
 * status-only change is no news for the diff but may be a new health, and a new spec may keep the
 * health. An absent resource forgets its health, so that it is reported again, with no previous
 * one, when the resource comes back.
 *
 * <p>Not thread-safe: confined to the emitter's single thread.
 */
public final class ObservationLedger {

  /** The fingerprint of an absent resource. */
  public static final String ABSENT = "absent";

  private final Map<ResourceKey, String> last = new HashMap<>();
  // Concurrent: the metrics scrape counts it from another thread (healthCount).
  private final Map<ResourceKey, HealthStatus> health =
      new java.util.concurrent.ConcurrentHashMap<>();

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
   * Decides whether the health of {@code observation} is news: for a present resource whose health
   * differs from the last reported, remembers it and returns the event; otherwise empty. An absent
   * resource forgets its health; a failure changes nothing (the last health stands until the
   * resource is seen again).
   */
  public Optional<ResourceHealthChanged> recordHealth(Observation observation, Instant now) {
    if (observation instanceof Observation.Absent a) {
      health.remove(a.key());
      return Optional.empty();
    }
    if (!(observation instanceof Observation.Present p)) {
      return Optional.empty();
    }
    HealthStatus previous = health.get(p.key());
    if (previous == p.health().status()) {
      return Optional.empty();
    }
    health.put(p.key(), p.health().status());
    return Optional.of(
        new ResourceHealthChanged(
            p.key(),
            now,
            p.health().status(),
            previous,
            p.health().reason(),
            p.health().message(),
            p.resourceVersion()));
  }

  /**
   * Forgets the health reported for {@code key} if it is still {@code status}: the event was not
   * acknowledged, so the next sighting reports it again.
   */
  public void forgetHealth(ResourceKey key, HealthStatus status) {
    health.remove(key, status);
  }

  /** How many resources were last reported with {@code status} (safe from any thread). */
  public long healthCount(HealthStatus status) {
    return health.values().stream().filter(status::equals).count();
  }

  /** The health last reported for {@code key}, or {@code null}. */
  public HealthStatus health(ResourceKey key) {
    return health.get(key);
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

  /**
   * Forgets everything, as at start: every next sighting is news. For a replica that takes the
   * lease over, since it cannot know what the previous holder reported.
   */
  public void clear() {
    last.clear();
    health.clear();
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
