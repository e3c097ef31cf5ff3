package dev.opsledger.notifier;

import static dev.opsledger.notifier.Fixtures.at;

import dev.opsledger.events.ApplyAction;
import dev.opsledger.events.ApplyOutcome;
import dev.opsledger.events.ApplyStarted;
import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.ResourceKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The events the pipeline writes for the scenarios the notifier's figures are about, in the order
 * and with the timing the services write them (desired before the commit, diffs and applies after).
 */
public final class Syncs {

  private Syncs() {}

  /** The demo repository's five resources on a target. */
  public static List<ResourceKey> demo(String target) {
    return List.of(
        ResourceKey.of(target, "", "Namespace", "", "shop"),
        ResourceKey.of(target, "apps", "Deployment", "shop", "web"),
        ResourceKey.of(target, "", "Service", "shop", "web"),
        ResourceKey.of(target, "", "ConfigMap", "shop", "web-config"),
        ResourceKey.of(target, "", "Secret", "shop", "web-secret"));
  }

  /** {@code n} ConfigMaps on a target. */
  public static List<ResourceKey> many(String target, int n) {
    List<ResourceKey> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(ResourceKey.of(target, "", "ConfigMap", "bulk", "config-" + i));
    }
    return out;
  }

  /**
   * A first sync: every resource declared, the commit recorded, every resource missing, created
   * (the ones in {@code failOnce} after one retryable failure, as when their namespace comes 200 ms
   * later) and in sync.
   */
  public static List<EventEnvelope<?>> firstSync(
      String source, String sha, List<ResourceKey> keys, List<ResourceKey> failOnce, Instant t0) {
    List<EventEnvelope<?>> out = new ArrayList<>();
    for (ResourceKey k : keys) {
      out.add(at(t0, sha, Fixtures.desired(k, source, sha, t0)));
    }
    out.add(at(t0.plusMillis(5), sha, Fixtures.commit(source, sha, t0)));
    for (ResourceKey k : keys) {
      out.add(at(t0.plusMillis(20), sha, Fixtures.missing(k, source, sha, t0.plusMillis(20))));
    }
    for (ResourceKey k : keys) {
      Instant a = t0.plusMillis(30);
      out.add(at(a, sha, new ApplyStarted(k, source, sha, ApplyAction.APPLY, false, 1, a)));
      if (failOnce.contains(k)) {
        out.add(at(a.plusMillis(5), sha, Fixtures.retrying(k, source, sha, 1, a.plusMillis(5))));
        a = a.plusMillis(200);
      }
      out.add(
          at(
              a.plusMillis(10),
              sha,
              Fixtures.applied(k, source, sha, ApplyOutcome.CREATED, a.plusMillis(10))));
      out.add(at(a.plusMillis(40), sha, Fixtures.inSync(k, source, sha, a.plusMillis(40))));
    }
    return out;
  }

  /** A change of one resource: declared, drifted, patched, in sync. */
  public static List<EventEnvelope<?>> change(
      String source, String sha, ResourceKey key, Instant t0) {
    return List.of(
        at(t0, sha, Fixtures.desired(key, source, sha, t0)),
        at(t0.plusMillis(5), sha, Fixtures.commit(source, sha, t0)),
        at(t0.plusMillis(20), sha, Fixtures.drift(key, source, sha, t0.plusMillis(20))),
        at(
            t0.plusMillis(60),
            sha,
            Fixtures.applied(key, source, sha, ApplyOutcome.PATCHED, t0.plusMillis(60))),
        at(t0.plusMillis(90), sha, Fixtures.inSync(key, source, sha, t0.plusMillis(90))));
  }

  /** A live edit of a resource declared at {@code sha} that self-heal reverts in {@code healMs}. */
  public static List<EventEnvelope<?>> liveEdit(
      String source, String sha, ResourceKey key, Instant t, long healMs) {
    return List.of(
        at(t, sha, Fixtures.drift(key, source, sha, t)),
        at(
            t.plusMillis(healMs - 10),
            sha,
            Fixtures.applied(key, source, sha, ApplyOutcome.PATCHED, t.plusMillis(healMs - 10))),
        at(t.plusMillis(healMs), sha, Fixtures.inSync(key, source, sha, t.plusMillis(healMs))));
  }

  /** A commit the git-watcher rejects: its rejection, then its record. */
  public static List<EventEnvelope<?>> rejected(String source, String sha, Instant t) {
    return List.of(
        at(t, sha, Fixtures.rejected(source, sha, t)),
        at(t.plusMillis(1), sha, Fixtures.commit(source, sha, t)));
  }
}
