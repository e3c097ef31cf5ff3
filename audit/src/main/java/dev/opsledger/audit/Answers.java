package dev.opsledger.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opsledger.events.DiffState;
import dev.opsledger.events.HealthStatus;
import dev.opsledger.events.Person;
import dev.opsledger.events.PullRequestRef;
import dev.opsledger.events.ResourceKey;
import java.time.Instant;
import java.util.List;

/** The shapes of the audit's answers; serialised as JSON by the HTTP API and the CLI. */
public final class Answers {

  private Answers() {}

  /**
   * One thing that happened to a resource.
   *
   * @param time when it happened (the event's time)
   * @param topic the topic it was recorded on
   * @param type the event's {@code ce_type}
   * @param summary a line for people
   * @param revision the desired revision it concerns, or {@code null}
   * @param author who wrote that revision, or {@code null} when unknown
   * @param pullRequest the pull request of that revision, or {@code null}
   * @param eventId the event's {@code ce_id}
   * @param data the event itself
   */
  public record HistoryEntry(
      Instant time,
      String topic,
      String type,
      String summary,
      String revision,
      Person author,
      PullRequestRef pullRequest,
      String eventId,
      JsonNode data) {}

  /**
   * The history of one resource.
   *
   * @param resource the resource
   * @param entries what happened, oldest first
   * @param unreadable records of the range that could not be read
   */
  public record ResourceHistory(
      ResourceKey resource, List<HistoryEntry> entries, List<String> unreadable) {}

  /**
   * A resource as it was at a moment.
   *
   * @param resource the resource
   * @param declared whether Git declared it at that moment
   * @param declaredRevision the revision of its declared state, or {@code null}
   * @param declaredHash the content hash of its declared state, or {@code null}
   * @param author who wrote the declared revision
   * @param observed {@code present}, {@code absent} or {@code unknown}
   * @param observedHash the content hash of the live state, or {@code null}
   * @param syncState the {@link DiffState#label()} of its last diff ({@code InSync}, {@code
   *     Drifted}, …), or {@link #UNKNOWN} before any
   * @param lastApply the last apply outcome ({@code CREATED}, {@code PATCHED}, ..., {@code FAILED},
   *     {@code SKIPPED}), or {@code null}
   * @param lastApplyAt when it happened, or {@code null}
   * @param health the {@link HealthStatus#label()} of its last {@code ResourceHealthChanged}
   *     ({@code Healthy}, {@code Progressing}, {@code Degraded}, {@code Suspended}), or {@link
   *     #UNKNOWN} before any and while it is not live
   * @param healthMessage why, from the same event; empty when unknown
   */
  public record ResourceState(
      ResourceKey resource,
      boolean declared,
      String declaredRevision,
      String declaredHash,
      Person author,
      String observed,
      String observedHash,
      String syncState,
      String lastApply,
      Instant lastApplyAt,
      String health,
      String healthMessage) {

    /** The sync state of a resource no diff was recorded for yet. */
    public static final String UNKNOWN = "Unknown";

    /** Whether its last diff reported {@code state}. */
    public boolean hasState(DiffState state) {
      return state.label().equals(syncState);
    }
  }

  /**
   * Everything at a moment.
   *
   * @param at the moment
   * @param resources every resource the log knew of by then
   */
  public record StateAt(Instant at, List<ResourceState> resources) {}

  /**
   * One step of a commit's way through the pipeline.
   *
   * @param time when
   * @param sinceCommitMillis milliseconds since the commit was recorded
   * @param type the event's {@code ce_type}
   * @param subject the resource or source
   * @param summary a line for people
   */
  public record TimelineStep(
      Instant time, long sinceCommitMillis, String type, String subject, String summary) {}

  /**
   * How a commit went: commit → desired → diff → apply → in sync.
   *
   * @param sha the commit
   * @param author who wrote it
   * @param pullRequest its pull request, or {@code null}
   * @param committedAt when it was committed
   * @param recordedAt when the git-watcher recorded it
   * @param steps every event correlated with it, oldest first
   * @param firstDesiredMillis latency to the first desired event, or -1
   * @param firstDiffMillis latency to the first diff event, or -1
   * @param firstApplyMillis latency to the first successful apply, or -1
   * @param allInSyncMillis latency until every resource of the commit was last reported in sync, or
   *     -1 when some never was
   * @param allHealthyMillis latency until every resource the commit declared was last reported
   *     healthy while this commit was its current revision (from its apply, or its in-sync diff
   *     when nothing was applied, until a newer revision declared it), or -1 when some never was:
   *     the end of the commit's way, after "applied" and "in sync"
   */
  public record CommitTimeline(
      String sha,
      Person author,
      PullRequestRef pullRequest,
      Instant committedAt,
      Instant recordedAt,
      List<TimelineStep> steps,
      long firstDesiredMillis,
      long firstDiffMillis,
      long firstApplyMillis,
      long allInSyncMillis,
      long allHealthyMillis) {}

  /**
   * One change in a time range: a commit (accepted or rejected) or an approval.
   *
   * @param time when it was made
   * @param kind {@code commit}, {@code history-rewrite} (a force-push recorded the commit, possibly
   *     an older one, as the branch's head), {@code rejected-commit} or {@code approval}
   * @param who the author or approver
   * @param committer the committer, for commits
   * @param revision the commit, or the approved revision
   * @param pullRequest the pull request, or {@code null}
   * @param message the first line of the commit message, or the approval's reason
   * @param resources the resources the change declared, changed or removed
   * @param rewrittenFrom for a history rewrite, the head it replaced; otherwise {@code null}
   */
  public record Change(
      Instant time,
      String kind,
      Person who,
      Person committer,
      String revision,
      PullRequestRef pullRequest,
      String message,
      List<String> resources,
      String rewrittenFrom) {}

  /**
   * One row of the web view's status table.
   *
   * @param key the resource's key in its text form
   * @param state its state now
   * @param awaitingApproval whether its last apply was skipped for manual approval
   * @param leftAsIs whether its last apply was skipped by a policy that leaves drift in place, or
   *     by a wait for a sync wave or a source
   */
  public record StatusEntry(
      String key, ResourceState state, boolean awaitingApproval, boolean leftAsIs) {}

  /**
   * Every resource now: what {@code opsledger status} shows.
   *
   * @param at when the view was read
   * @param resources every resource, in key order
   * @param warnings kinds the collector cannot observe now
   */
  public record Status(Instant at, List<StatusEntry> resources, List<String> warnings) {}

  /**
   * A record the log gained, as the event stream reports it: no event data, only what the history
   * shows of it.
   *
   * @param time the event's time
   * @param topic its topic
   * @param type its {@code ce_type}
   * @param resource the resource's key in its text form
   * @param revision the desired revision it concerns, or {@code null}
   * @param syncState for a diff event, the {@link DiffState#label()} it reports; otherwise {@code
   *     null}
   * @param summary a line for people
   */
  public record LiveChange(
      Instant time,
      String topic,
      String type,
      String resource,
      String revision,
      String syncState,
      String summary) {}
}
