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
import dev.opsledger.kafka.KafkaConnection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * The state of every resource now, with the last drift of each and the approvals it waits for: what
 * {@code status}, {@code diff} and {@code sync} show.
 *
 * @param resources the state of every resource
 * @param drift the last drift report of each resource whose state is drifted
 * @param awaitingApproval resources whose last apply was skipped for manual approval, with the
 *     revision that waits
 * @param leftAsIs resources whose last apply was skipped by a policy that leaves their drift in
 *     place ({@code detect-only}, {@code self-heal-disabled}, {@code prune-disabled}): why they are
 *     out of sync and not healed; or by a wait for a sync wave or a source: what they wait for
 * @param warnings kinds the collector cannot observe now (a kind-level {@code ObservationFailed}
 *     with no observation of that kind since): a kind is not a resource, so it is no row
 */
public record CurrentState(
    List<ResourceState> resources,
    Map<ResourceKey, DriftDetected> drift,
    Map<ResourceKey, ApplySkipped> awaitingApproval,
    Map<ResourceKey, ApplySkipped> leftAsIs,
    List<String> warnings) {

  private static final EnumSet<Topic> TOPICS =
      EnumSet.of(Topic.DESIRED, Topic.OBSERVED, Topic.DIFFS, Topic.APPLIES);

  /** Reads the state from the log of a plaintext cluster ({@code opsledger up}'s broker). */
  public static CurrentState read(String bootstrapServers) {
    return read(KafkaConnection.of(bootstrapServers));
  }

  /** Reads the state from the log. */
  public static CurrentState read(KafkaConnection connection) {
    return new Follower(connection).refresh();
  }

  /**
   * The current state kept up to date by reading only what the log gained since the last refresh:
   * what {@code opsledger up}'s status loop uses, so a refresh costs what changed, not the whole
   * log again.
   */
  static final class Follower {
    private final KafkaConnection connection;
    private final Map<TopicPartition, Long> positions = new HashMap<>();
    private final AuditProjections.StateFold fold = new AuditProjections.StateFold();
    private final Map<ResourceKey, DriftDetected> lastDrift = new HashMap<>();
    private final Map<ResourceKey, ApplySkipped> waiting = new HashMap<>();
    private final Map<ResourceKey, ApplySkipped> left = new HashMap<>();
    private final Map<ResourceKey, ObservationFailed> unobservedKinds = new LinkedHashMap<>();
    private long lastRead;

    Follower(KafkaConnection connection) {
      this.connection = connection;
    }

    /**
     * Reads what the log gained and returns the state now.
     *
     * @throws CliException when the log cannot be read; the next refresh tries again from where the
     *     last good one ended
     */
    CurrentState refresh() {
      // A reader per refresh: a reader's deadline runs from its opening, and a new one reconnects
      // after a broker restart.
      try (LogReader reader = new LogReader(connection)) {
        reader.readNew(TOPICS, positions, this::add);
        lastRead = reader.recordsRead();
      } catch (org.apache.kafka.common.KafkaException e) {
        throw new CliException(
            ExitCodes.UNAVAILABLE,
            "cannot read the log at " + connection.bootstrapServers() + ": " + e.getMessage());
      } catch (dev.opsledger.kafka.KafkaUnavailableException e) {
        // The broker is down or elsewhere: say so, and try again next round.
        throw new CliException(ExitCodes.UNAVAILABLE, e.getMessage());
      }
      return state();
    }

    /** How many records the last refresh read. */
    long lastRead() {
      return lastRead;
    }

    private void add(LoggedEvent e) {
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
      if (re instanceof ApplySkipped s
          && s.skipPolicy().map(SkipPolicy::waitsForApproval).orElse(false)) {
        waiting.put(s.resource(), s);
      } else if (e.topic().equals(Topic.APPLIES.topicName()) && !(re instanceof FieldsConflicted)) {
        waiting.remove(re.resource());
      }
      if (re instanceof ApplySkipped s
          && s.skipPolicy().map(p -> p.leavesDriftInPlace() || p.waitsForOrder()).orElse(false)) {
        // A wait for a sync wave or a source is noted too: status says what it waits for.
        left.put(s.resource(), s);
      } else if (e.topic().equals(Topic.APPLIES.topicName()) && !(re instanceof FieldsConflicted)) {
        left.remove(re.resource());
      }
    }

    private CurrentState state() {
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
      return new CurrentState(
          resources, drift, Map.copyOf(waiting), Map.copyOf(left), List.copyOf(warnings));
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
