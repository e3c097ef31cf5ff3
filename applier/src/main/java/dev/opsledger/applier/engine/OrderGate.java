package dev.opsledger.applier.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opsledger.events.DiffEvent;
import dev.opsledger.events.DiffState;
import dev.opsledger.events.HealthStatus;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.events.SkipPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The order of writes between resources: sync waves within a source (annotation {@value
 * #SYNC_WAVE}) and {@code depends-on} between sources. Records of different resources arrive on
 * different partitions in any order, so this is a gate over what the applier has seen, not a sort:
 * a write waits until what it must follow has converged, and the engine asks again whenever a diff
 * or a health report may have changed the answer.
 *
 * <p>What it keeps, per resource this applier converges: its source, wave, newest declared revision
 * and whether that revision removed it (from {@code opsledger.desired}); its latest diff's state,
 * revision and time (from {@code opsledger.diffs}); its latest health (from {@code
 * opsledger.observed}). The first two are rebuilt from the log at start like the rest of the
 * applier's memory; health is read live only (see {@link #noteHealth}).
 *
 * <p>A resource is <em>converged</em> when its latest diff says it is in sync at its newest
 * declared revision and its health does not hold it: {@code Healthy} passes; {@code Progressing},
 * {@code Degraded} and {@code Suspended} hold; {@code Unknown}, or no report since its last change,
 * holds for {@code healthGrace} after it was found in sync (the collector reports health right
 * after the sighting the differ compared, so this only covers the two arriving in either order),
 * then the last reported health decides and {@code Unknown} passes: what cannot be told never
 * blocks for ever.
 *
 * <p>Thread-safe: the maps are concurrent and each entry is replaced whole.
 */
public final class OrderGate {

  /** The sync wave of a resource: an integer, default 0, negatives allowed (as Argo CD's). */
  public static final String SYNC_WAVE = "opsledger.dev/sync-wave";

  private static final int NAMED = 5;

  private final Map<String, List<String>> dependsOn;
  private final Duration healthGrace;
  private final Map<ResourceKey, Member> members = new ConcurrentHashMap<>();
  private final Map<ResourceKey, Synced> synced = new ConcurrentHashMap<>();
  private final Map<ResourceKey, Health> health = new ConcurrentHashMap<>();
  private final Map<String, Instant> revisionSeen = new ConcurrentHashMap<>();

  /**
   * How long after the applier saw a revision's first declaration a higher-wave write of it waits
   * for the rest: the declarations of one revision are on different partitions, and the diff of a
   * wave 1 resource can be checked while the wave 0 one's declaration, written with it, is still a
   * few records behind in the consumer (seen in CI: 4 ms). Argo CD waits 2 s between waves too.
   */
  static final Duration SETTLE = Duration.ofSeconds(2);

  private volatile boolean wavesSeen;

  /**
   * A gate.
   *
   * @param dependsOn the sources each source waits for (checked for cycles by the caller)
   * @param healthGrace how long an unreported or {@code Unknown} health holds a resource found in
   *     sync
   */
  public OrderGate(Map<String, List<String>> dependsOn, Duration healthGrace) {
    this.dependsOn = Map.copyOf(dependsOn);
    this.healthGrace = healthGrace;
  }

  /**
   * A gate that never holds anything: no waves are honoured until one is declared, no depends-on.
   */
  public static OrderGate none() {
    return new OrderGate(Map.of(), Duration.ofSeconds(30));
  }

  /**
   * The wave a manifest declares: its {@value #SYNC_WAVE} annotation, 0 when absent or not an
   * integer (the value is trimmed; {@code "+1"} and {@code "-2"} are integers).
   */
  public static int waveOf(JsonNode manifest) {
    if (manifest == null) {
      return 0;
    }
    JsonNode v = manifest.path("metadata").path("annotations").path(SYNC_WAVE);
    if (v.isIntegralNumber()) {
      return v.asInt();
    }
    try {
      return v.isTextual() ? Integer.parseInt(v.asText().trim()) : 0;
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /**
   * Checks that no source depends on itself through others.
   *
   * @throws IllegalArgumentException naming the cycle, e.g. {@code a -> b -> a}
   */
  public static void requireNoCycle(Map<String, List<String>> dependsOn) {
    Map<String, Integer> state = new TreeMap<>();
    for (String source : new TreeMap<>(dependsOn).keySet()) {
      visit(source, dependsOn, state, new ArrayList<>());
    }
  }

  private static void visit(
      String source,
      Map<String, List<String>> dependsOn,
      Map<String, Integer> state,
      List<String> path) {
    Integer s = state.get(source);
    if (s != null && s == 2) {
      return;
    }
    path.add(source);
    if (s != null && s == 1) {
      List<String> cycle = path.subList(path.indexOf(source), path.size());
      throw new IllegalArgumentException("depends-on has a cycle: " + String.join(" -> ", cycle));
    }
    state.put(source, 1);
    for (String next : dependsOn.getOrDefault(source, List.of())) {
      visit(next, dependsOn, state, path);
    }
    state.put(source, 2);
    path.remove(path.size() - 1);
  }

  /**
   * Records what the log declared of a resource before now, as a restart replays it: no write waits
   * for the rest of its revision ({@link #SETTLE}).
   */
  public void noteDesired(ResourceKey key, DesiredView view) {
    noteDesired(key, view, Instant.MIN);
  }

  /**
   * Records what the log now declares of a resource ({@code null}: nothing), seen at {@code
   * seenAt}: a higher-wave write of its revision waits {@link #SETTLE} from the revision's first
   * declaration seen.
   */
  public void noteDesired(ResourceKey key, DesiredView view, Instant seenAt) {
    if (view == null || view.sourceId() == null) {
      members.remove(key);
      return;
    }
    if (view.newestRevision() != null
        && revisionSeen.putIfAbsent(view.sourceId() + " " + view.newestRevision(), seenAt) == null
        && revisionSeen.size() > 1000) {
      Instant settled = seenAt.minus(SETTLE);
      revisionSeen.values().removeIf(t -> t.isBefore(settled));
    }
    int wave = waveOf(view.manifest());
    if (wave != 0) {
      wavesSeen = true;
    }
    members.put(key, new Member(view.sourceId(), wave, view.newestRevision(), view.removed()));
  }

  /**
   * Records a resource's latest diff. A change (drift, missing) makes its last reported health
   * stale: it was about the object before the change.
   */
  public void noteDiff(DiffEvent diff) {
    ResourceKey key = diff.resource();
    synced.put(key, new Synced(diff.state(), diff.revision(), diff.detectedAt()));
    if (diff.state() == DiffState.DRIFTED || diff.state() == DiffState.MISSING) {
      health.computeIfPresent(key, (k, h) -> new Health(h.status(), false));
    }
  }

  /**
   * Records a health report of the state-collector. Read live only: after a restart the applier
   * knows no health until the collector reports a change, and a resource then counts as its health
   * allows after {@code healthGrace} (see the class comment).
   */
  public void noteHealth(ResourceKey key, HealthStatus status) {
    health.put(key, new Health(status, true));
  }

  /** Whether the resource's latest diff says it is in sync (it exists as declared). */
  public boolean inSync(ResourceKey key) {
    Synced s = synced.get(key);
    return s != null && s.state() == DiffState.IN_SYNC;
  }

  /** Forgets a resource. */
  public void forget(ResourceKey key) {
    members.remove(key);
    synced.remove(key);
    health.remove(key);
  }

  /**
   * Whether anything can ever be held: a wave other than 0 was declared, or a depends-on is set.
   */
  public boolean active() {
    return wavesSeen || !dependsOn.isEmpty();
  }

  /**
   * Whether a write may go now, or what it waits for.
   *
   * @param key the resource to write
   * @param delete whether the write is a prune
   * @param prunes whether a resource's prune would run (prune on, not detect-only): a resource that
   *     will never be pruned does not hold the prunes of lower waves
   * @param now the time
   * @return {@code null} to go, else a {@link Decision.WaitForOrder}
   */
  public Decision.WaitForOrder check(
      ResourceKey key, boolean delete, Predicate<ResourceKey> prunes, Instant now) {
    Member self = members.get(key);
    if (self == null || !active()) {
      return null;
    }
    if (delete) {
      return pruneOrder(key, self, prunes);
    }
    Decision.WaitForOrder wave = waveOrder(key, self, now);
    return wave != null ? wave : sourceOrder(self, now);
  }

  /**
   * Applies of wave N wait for every declared resource of a lower wave of the source and, for
   * {@link #SETTLE} after the revision was first seen, for the declarations of it still on their
   * way when N is above 0 or above the lowest wave declared so far.
   */
  private Decision.WaitForOrder waveOrder(ResourceKey key, Member self, Instant now) {
    Instant seen = revisionSeen.get(self.sourceId() + " " + self.revision());
    if (seen != null && now.isBefore(seen.plus(SETTLE))) {
      // Wave 0 is every resource without the annotation: assume some are on their way.
      int lowest = Math.min(0, self.wave());
      for (Member m : members.values()) {
        if (!m.removed() && m.sourceId().equals(self.sourceId())) {
          lowest = Math.min(lowest, m.wave());
        }
      }
      if (lowest < self.wave()) {
        // Its own text before the colon: the engine records a wait again only when that changes.
        return new Decision.WaitForOrder(
            SkipPolicy.WAITING_FOR_WAVE,
            "wave "
                + self.wave()
                + " waits for the rest of revision "
                + self.revision()
                + " of source "
                + self.sourceId()
                + ": declarations of wave "
                + lowest
                + " and up may still be on their way ("
                + SETTLE.toSeconds()
                + " s)");
      }
    }
    TreeMap<Integer, List<String>> blocked = new TreeMap<>();
    for (Map.Entry<ResourceKey, Member> e : members.entrySet()) {
      Member m = e.getValue();
      if (e.getKey().equals(key)
          || m.removed()
          || m.wave() >= self.wave()
          || !m.sourceId().equals(self.sourceId())) {
        continue;
      }
      String why = unconverged(e.getKey(), m, now);
      if (why != null) {
        blocked.computeIfAbsent(m.wave(), w -> new ArrayList<>()).add(e.getKey() + " " + why);
      }
    }
    if (blocked.isEmpty()) {
      return null;
    }
    Map.Entry<Integer, List<String>> lowest = blocked.firstEntry();
    return new Decision.WaitForOrder(
        SkipPolicy.WAITING_FOR_WAVE,
        "wave "
            + self.wave()
            + " waits for wave "
            + lowest.getKey()
            + " of source "
            + self.sourceId()
            + ": "
            + named(lowest.getValue()));
  }

  /** Prunes run in reverse wave order: wave N waits until higher waves of the source are gone. */
  private Decision.WaitForOrder pruneOrder(
      ResourceKey key, Member self, Predicate<ResourceKey> prunes) {
    TreeMap<Integer, List<String>> blocked = new TreeMap<>(Comparator.reverseOrder());
    for (Map.Entry<ResourceKey, Member> e : members.entrySet()) {
      Member m = e.getValue();
      if (e.getKey().equals(key)
          || !m.removed()
          || m.wave() <= self.wave()
          || !m.sourceId().equals(self.sourceId())) {
        continue;
      }
      // Gone only once the differ says so: a removal whose diff has not arrived yet (another
      // partition) still holds the lower waves.
      Synced s = synced.get(e.getKey());
      boolean gone = s != null && s.state() == DiffState.REMOVED;
      if (!gone && prunes.test(e.getKey())) {
        blocked
            .computeIfAbsent(m.wave(), w -> new ArrayList<>())
            .add(e.getKey() + " not pruned yet");
      }
    }
    if (blocked.isEmpty()) {
      return null;
    }
    Map.Entry<Integer, List<String>> highest = blocked.firstEntry();
    return new Decision.WaitForOrder(
        SkipPolicy.WAITING_FOR_WAVE,
        "prune of wave "
            + self.wave()
            + " waits for the prune of wave "
            + highest.getKey()
            + " of source "
            + self.sourceId()
            + ": "
            + named(highest.getValue()));
  }

  /** Applies of a source wait for every resource of the sources it depends on. */
  private Decision.WaitForOrder sourceOrder(Member self, Instant now) {
    for (String other : dependsOn.getOrDefault(self.sourceId(), List.of())) {
      List<String> blocked = new ArrayList<>();
      int declared = 0;
      for (Map.Entry<ResourceKey, Member> e : members.entrySet()) {
        Member m = e.getValue();
        if (m.removed() || !m.sourceId().equals(other)) {
          continue;
        }
        declared++;
        String why = unconverged(e.getKey(), m, now);
        if (why != null) {
          blocked.add(e.getKey() + " " + why);
        }
      }
      if (declared == 0) {
        return new Decision.WaitForOrder(
            SkipPolicy.WAITING_FOR_SOURCE,
            "source "
                + self.sourceId()
                + " waits for source "
                + other
                + ": nothing of it declared yet");
      }
      if (!blocked.isEmpty()) {
        return new Decision.WaitForOrder(
            SkipPolicy.WAITING_FOR_SOURCE,
            "source "
                + self.sourceId()
                + " waits for source "
                + other
                + " to be in sync and healthy: "
                + named(blocked));
      }
    }
    return null;
  }

  /** Why a declared resource is not converged, or {@code null} when it is. */
  private String unconverged(ResourceKey key, Member m, Instant now) {
    Synced s = synced.get(key);
    if (s == null || s.state() != DiffState.IN_SYNC || !m.revision().equals(s.revision())) {
      return "(not in sync at " + m.revision() + ")";
    }
    Health h = health.get(key);
    boolean graceOver = !now.isBefore(s.at().plus(healthGrace));
    if (h != null && h.fresh()) {
      return switch (h.status()) {
        case HEALTHY -> null;
        case UNKNOWN -> graceOver ? null : "(Unknown)";
        default -> "(" + h.status().label() + ")";
      };
    }
    if (!graceOver) {
      return "(health not reported yet)";
    }
    if (h == null || h.status() == HealthStatus.HEALTHY || h.status() == HealthStatus.UNKNOWN) {
      return null;
    }
    return "(" + h.status().label() + ")";
  }

  private static String named(List<String> blocked) {
    List<String> sorted = blocked.stream().sorted().toList();
    String shown = sorted.stream().limit(NAMED).collect(Collectors.joining(", "));
    return sorted.size() > NAMED ? shown + " and " + (sorted.size() - NAMED) + " more" : shown;
  }

  /** The sources whose resources a change of {@code sourceId} may release. */
  public Set<String> releasedBy(String sourceId) {
    Set<String> out = new java.util.HashSet<>();
    out.add(sourceId);
    dependsOn.forEach(
        (source, needs) -> {
          if (needs.contains(sourceId)) {
            out.add(source);
          }
        });
    return out;
  }

  /** The source of a resource, or {@code null}. */
  public String sourceOf(ResourceKey key) {
    Member m = members.get(key);
    return m == null ? null : m.sourceId();
  }

  private record Member(String sourceId, int wave, String revision, boolean removed) {}

  private record Synced(DiffState state, String revision, Instant at) {}

  private record Health(HealthStatus status, boolean fresh) {}
}
