package dev.opsledger.cli;

import dev.opsledger.audit.Answers.ResourceState;
import dev.opsledger.audit.AuditService;
import dev.opsledger.audit.LiveFollower;
import dev.opsledger.audit.LiveView;
import dev.opsledger.events.ApplySkipped;
import dev.opsledger.events.DriftDetected;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.kafka.KafkaConnection;
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

  /** Reads the state from the log of a plaintext cluster ({@code opsledger up}'s broker). */
  public static CurrentState read(String bootstrapServers) {
    return read(KafkaConnection.of(bootstrapServers));
  }

  /** Reads the state from the log. */
  public static CurrentState read(KafkaConnection connection) {
    return new Follower(connection).refresh();
  }

  /**
   * The current state kept up to date: the audit's {@link LiveFollower} (a snapshot of the audit
   * store and the log after it, then only what the log gained), the one live view {@code status}
   * and {@code opsledger up}'s status loop and {@code --exit-when-synced} read.
   */
  static final class Follower {
    private final KafkaConnection connection;
    private final LiveFollower live;

    Follower(KafkaConnection connection) {
      this.connection = connection;
      this.live = new AuditService(connection).liveView();
    }

    /**
     * Reads what the log gained and returns the state now.
     *
     * @throws CliException when the log cannot be read; the next refresh tries again from where the
     *     last good one ended
     */
    CurrentState refresh() {
      LiveView.Now now;
      try {
        now = live.refresh();
      } catch (org.apache.kafka.common.KafkaException e) {
        throw new CliException(
            ExitCodes.UNAVAILABLE,
            "cannot read the log at " + connection.bootstrapServers() + ": " + e.getMessage());
      } catch (dev.opsledger.kafka.KafkaUnavailableException e) {
        // The broker is down or elsewhere: say so, and try again next round.
        throw new CliException(ExitCodes.UNAVAILABLE, e.getMessage());
      }
      return new CurrentState(
          now.resources(), now.drift(), now.awaitingApproval(), now.leftAsIs(), now.warnings());
    }

    /** How many records the last refresh read. */
    long lastRead() {
      return live.lastRead();
    }
  }

  /** The keys of every resource. */
  public List<ResourceKey> keys() {
    return resources.stream().map(ResourceState::resource).toList();
  }
}
