package dev.opsledger.cli;

import dev.opsledger.audit.Answers.ResourceState;
import dev.opsledger.audit.AuditProjections;
import dev.opsledger.audit.LogReader;
import dev.opsledger.audit.LoggedEvent;
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
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The state of every resource now, with the last drift of each and the approvals it waits for: what
 * {@code status}, {@code diff} and {@code sync} show.
 *
 * @param resources the state of every resource
 * @param drift the last drift report of each resource whose state is drifted
 * @param awaitingApproval resources whose last apply was skipped for manual approval, with the
 *     revision that waits
 * @param warnings kinds the collector cannot observe now (a kind-level {@code ObservationFailed}
 *     with no observation of that kind since): a kind is not a resource, so it is no row
 */
public record CurrentState(
    List<ResourceState> resources,
    Map<ResourceKey, DriftDetected> drift,
    Map<ResourceKey, ApplySkipped> awaitingApproval,
    List<String> warnings) {

  /** Reads the state from the log. */
  public static CurrentState read(String bootstrapServers) {
    Instant now = Instant.now();
    try (LogReader reader = new LogReader(bootstrapServers)) {
      List<LoggedEvent> events =
          reader.read(
              EnumSet.of(Topic.DESIRED, Topic.OBSERVED, Topic.DIFFS, Topic.APPLIES), null, null);
      var state = AuditProjections.stateAt(events, now.plusSeconds(1));
      Map<ResourceKey, DriftDetected> lastDrift = new HashMap<>();
      Map<ResourceKey, ApplySkipped> waiting = new HashMap<>();
      Map<ResourceKey, ObservationFailed> unobservedKinds = new LinkedHashMap<>();
      for (LoggedEvent e : events) {
        if (!e.readable() || !(e.data() instanceof ResourceEvent re)) {
          continue;
        }
        if (re instanceof ObservationFailed f && f.resource().name().equals(ResourceKey.ANY_NAME)) {
          unobservedKinds.put(f.resource(), f);
        } else if (re instanceof ObservedStateChanged || re instanceof ObservedStateAbsent) {
          unobservedKinds.remove(kindOf(re.resource()));
        }
        if (re instanceof DriftDetected d) {
          lastDrift.put(d.resource(), d);
        }
        if (re instanceof ApplySkipped s
            && s.skipPolicy().map(SkipPolicy::waitsForApproval).orElse(false)) {
          waiting.put(s.resource(), s);
        } else if (e.topic().equals(Topic.APPLIES.topicName())
            && !(re instanceof FieldsConflicted)) {
          waiting.remove(re.resource());
        }
      }
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
      return new CurrentState(resources, drift, waiting, List.copyOf(warnings));
    } catch (org.apache.kafka.common.KafkaException e) {
      throw new CliException(
          ExitCodes.UNAVAILABLE,
          "cannot read the log at " + bootstrapServers + ": " + e.getMessage());
    }
  }

  private static ResourceKey kindOf(ResourceKey key) {
    return ResourceKey.of(key.target(), key.apiGroup(), key.kind(), "", ResourceKey.ANY_NAME);
  }

  /** The keys of every resource. */
  public List<ResourceKey> keys() {
    return resources.stream().map(ResourceState::resource).toList();
  }
}
