package dev.opsledger.notifier.notice;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Aggregates the state of each revision across all of its resources, for commit statuses: pending
 * while any resource is missing, drifted or waits for approval; running while any is being applied;
 * failure when the commit was rejected or any resource failed for good; success when every resource
 * seen for the revision is in sync.
 *
 * <p>"All of its resources" means every resource an event named with that revision: the notifier
 * does not read {@code opsledger.desired}. Invariants: a resource's state only moves forward in
 * event time (older events are ignored); at most {@code capacity} revisions are remembered, the
 * least recently touched forgotten first. Not thread-safe.
 */
public final class RevisionStatus {

  /** The state of one resource within a revision. */
  public enum ResourceState {
    /** Missing or drifted, nothing applied yet. */
    OUT_OF_SYNC,
    /** Waiting for a manual sync. */
    AWAITING_APPROVAL,
    /** Being applied, applied and waiting for confirmation, or retrying. */
    APPLYING,
    /** In sync. */
    IN_SYNC,
    /** Failed for good (terminal apply failure, or the differ could not compare it). */
    FAILED
  }

  /**
   * The aggregated state of one revision.
   *
   * @param sourceId the source
   * @param revision the commit SHA
   * @param state the aggregated state
   * @param resources how many resources were seen for it
   * @param inSync how many of them are in sync
   * @param failed how many failed for good
   */
  public record Aggregate(
      String sourceId, String revision, CommitState state, int resources, int inSync, int failed) {

    /** A short sentence for the commit status description. */
    public String summary() {
      return switch (state) {
        case SUCCESS -> "all " + resources + " resources in sync";
        case FAILURE ->
            failed == 0
                ? "commit rejected"
                : failed + " of " + resources + " resources failed to converge";
        case RUNNING -> "applying: " + inSync + " of " + resources + " resources in sync";
        case PENDING ->
            resources == 0
                ? "waiting for the first diff"
                : "pending: " + inSync + " of " + resources + " resources in sync";
      };
    }
  }

  private static final class Revision {
    final String sourceId;
    final String revision;
    final Map<String, ResourceState> states = new HashMap<>();
    final Map<String, Instant> times = new HashMap<>();
    boolean rejected;

    Revision(String sourceId, String revision) {
      this.sourceId = sourceId;
      this.revision = revision;
    }
  }

  private final Map<String, Revision> revisions;

  /** An aggregator remembering at most {@code capacity} revisions. */
  public RevisionStatus(int capacity) {
    this.revisions =
        new LinkedHashMap<>(16, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Revision> eldest) {
            return size() > capacity;
          }
        };
  }

  /** Notes a commit on a tracked branch: its revision exists and waits for its first diff. */
  public Aggregate commitObserved(String sourceId, String revision) {
    return aggregate(revision(sourceId, revision));
  }

  /** Notes a rejected commit: its revision fails whatever its resources do. */
  public Aggregate commitRejected(String sourceId, String revision) {
    Revision r = revision(sourceId, revision);
    r.rejected = true;
    return aggregate(r);
  }

  /**
   * Notes the state of one resource within a revision at a time; an event older than the newest
   * seen for that resource in that revision changes nothing.
   */
  public Aggregate resource(
      String sourceId, String revision, String resource, ResourceState state, Instant at) {
    Revision r = revision(sourceId, revision);
    Instant seen = r.times.get(resource);
    if (seen == null || !seen.isAfter(at)) {
      r.states.put(resource, state);
      r.times.put(resource, at);
    }
    return aggregate(r);
  }

  private Revision revision(String sourceId, String revision) {
    String sid = sourceId == null ? "" : sourceId;
    return revisions.computeIfAbsent(sid + "@" + revision, k -> new Revision(sid, revision));
  }

  private static Aggregate aggregate(Revision r) {
    int inSync = 0;
    int failed = 0;
    int applying = 0;
    for (ResourceState s : r.states.values()) {
      switch (s) {
        case IN_SYNC -> inSync++;
        case FAILED -> failed++;
        case APPLYING -> applying++;
        default -> {
          // out of sync or awaiting approval: pending
        }
      }
    }
    int total = r.states.size();
    CommitState state;
    if (r.rejected || failed > 0) {
      state = CommitState.FAILURE;
    } else if (total > 0 && inSync == total) {
      state = CommitState.SUCCESS;
    } else if (applying > 0) {
      state = CommitState.RUNNING;
    } else {
      state = CommitState.PENDING;
    }
    return new Aggregate(r.sourceId, r.revision, state, total, inSync, failed);
  }
}
