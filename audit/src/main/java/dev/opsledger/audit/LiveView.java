package dev.opsledger.audit;

import dev.opsledger.audit.Answers.ResourceState;
import dev.opsledger.audit.AuditProjections.FoldedState;
import dev.opsledger.audit.AuditProjections.StateFold;
import dev.opsledger.events.ApplySkipped;
import dev.opsledger.events.DiffState;
import dev.opsledger.events.DriftDetected;
import dev.opsledger.events.FieldsConflicted;
import dev.opsledger.events.ObservationFailed;
import dev.opsledger.events.ObservedStateAbsent;
import dev.opsledger.events.ObservedStateChanged;
import dev.opsledger.events.ResourceEvent;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.events.SkipPolicy;
import dev.opsledger.events.Topic;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The state of every resource now, with the last drift of each, the approvals it waits for and the
 * kinds that cannot be observed, folded one event at a time: the one view {@code opsledger status},
 * {@code diff}, {@code sync} and {@code up}'s status table read. A pure fold (no I/O); {@link
 * AuditService#liveView()} feeds it from a snapshot and the log after it.
 */
public final class LiveView {

  private final StateFold fold;
  private final Map<ResourceKey, DriftDetected> lastDrift;
  private final Map<ResourceKey, ApplySkipped> waiting;
  private final Map<ResourceKey, ApplySkipped> left;
  private final Map<ResourceKey, ObservationFailed> unobservedKinds;

  /** An empty view: nothing folded yet. */
  public LiveView() {
    this(new StateFold(), new HashMap<>(), new HashMap<>(), new HashMap<>(), new LinkedHashMap<>());
  }

  private LiveView(
      StateFold fold,
      Map<ResourceKey, DriftDetected> lastDrift,
      Map<ResourceKey, ApplySkipped> waiting,
      Map<ResourceKey, ApplySkipped> left,
      Map<ResourceKey, ObservationFailed> unobservedKinds) {
    this.fold = fold;
    this.lastDrift = lastDrift;
    this.waiting = waiting;
    this.left = left;
    this.unobservedKinds = unobservedKinds;
  }

  /**
   * What the view shows.
   *
   * @param resources the state of every resource (kind-level pseudo-resources left out)
   * @param drift the last drift report of each resource whose state is drifted
   * @param awaitingApproval resources whose last apply was skipped for manual approval
   * @param leftAsIs resources whose last apply was skipped by a policy that leaves drift in place,
   *     or by a wait for a sync wave or a source
   * @param warnings kinds the collector cannot observe now
   */
  public record Now(
      List<ResourceState> resources,
      Map<ResourceKey, DriftDetected> drift,
      Map<ResourceKey, ApplySkipped> awaitingApproval,
      Map<ResourceKey, ApplySkipped> leftAsIs,
      List<String> warnings) {}

  /**
   * Everything the view holds, for a snapshot. Maps are lists of pairs so the order of the kinds'
   * warnings survives.
   */
  public record Saved(
      List<FoldedState> states,
      List<DriftDetected> drift,
      List<ApplySkipped> waiting,
      List<ApplySkipped> left,
      List<ObservationFailed> unobservedKinds) {}

  /** Folds in one event; unreadable records and events about no resource change nothing. */
  public void add(LoggedEvent e) {
    fold.add(e);
    if (!e.readable() || !(e.data() instanceof ResourceEvent re)) {
      return;
    }
    if (re instanceof ObservationFailed f && f.resource().name().equals(ResourceKey.ANY_NAME)) {
      unobservedKinds.put(f.resource(), f);
    } else if (re instanceof ObservedStateChanged || re instanceof ObservedStateAbsent) {
      unobservedKinds.remove(kindOf(re.resource()));
    }
    if (re instanceof DriftDetected d) {
      lastDrift.put(d.resource(), d);
    }
    boolean applyOutcome =
        e.topic().equals(Topic.APPLIES.topicName())
            && !(re instanceof FieldsConflicted)
            && !(re instanceof ApplySkipped s && AuditProjections.isRepeat(s));
    if (re instanceof ApplySkipped s
        && s.skipPolicy().map(SkipPolicy::waitsForApproval).orElse(false)) {
      waiting.put(s.resource(), s);
    } else if (applyOutcome) {
      waiting.remove(re.resource());
    }
    if (re instanceof ApplySkipped s
        && s.skipPolicy().map(p -> p.leavesDriftInPlace() || p.waitsForOrder()).orElse(false)) {
      // A wait for a sync wave or a source is noted too: status says what it waits for.
      left.put(s.resource(), s);
    } else if (applyOutcome) {
      left.remove(re.resource());
    }
  }

  /**
   * The state of every resource (what {@code audit state-at} answers) labelled as of {@code at}.
   */
  public Answers.StateAt stateAt(Instant at) {
    return fold.state(at);
  }

  /** What the view shows now. */
  public Now now() {
    var state = fold.state(Instant.now());
    Map<ResourceKey, DriftDetected> drift = new HashMap<>();
    for (ResourceState r : state.resources()) {
      if (r.hasState(DiffState.DRIFTED) && lastDrift.containsKey(r.resource())) {
        drift.put(r.resource(), lastDrift.get(r.resource()));
      }
    }
    List<String> warnings = new ArrayList<>();
    unobservedKinds.forEach(
        (kind, f) ->
            warnings.add(
                "cannot observe "
                    + (kind.apiGroup().isEmpty() ? "" : kind.apiGroup() + "/")
                    + kind.kind()
                    + " in "
                    + kind.target()
                    + ": "
                    + f.reason()
                    + " "
                    + f.message()));
    List<ResourceState> resources =
        state.resources().stream()
            .filter(r -> !r.resource().name().equals(ResourceKey.ANY_NAME))
            .toList();
    return new Now(resources, drift, Map.copyOf(waiting), Map.copyOf(left), List.copyOf(warnings));
  }

  /** Everything the view holds; {@link #restore} gives an equal view back. */
  public Saved save() {
    return new Saved(
        fold.save(),
        List.copyOf(lastDrift.values()),
        List.copyOf(waiting.values()),
        List.copyOf(left.values()),
        List.copyOf(unobservedKinds.values()));
  }

  /** A view holding what {@link #save} saved. */
  public static LiveView restore(Saved saved) {
    LiveView v =
        new LiveView(
            StateFold.restore(saved.states()),
            new HashMap<>(),
            new HashMap<>(),
            new HashMap<>(),
            new LinkedHashMap<>());
    saved.drift().forEach(d -> v.lastDrift.put(d.resource(), d));
    saved.waiting().forEach(s -> v.waiting.put(s.resource(), s));
    saved.left().forEach(s -> v.left.put(s.resource(), s));
    saved.unobservedKinds().forEach(f -> v.unobservedKinds.put(f.resource(), f));
    return v;
  }

  private static ResourceKey kindOf(ResourceKey key) {
    return ResourceKey.of(key.target(), key.apiGroup(), key.kind(), "", ResourceKey.ANY_NAME);
  }
}
