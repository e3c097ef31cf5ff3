package dev.opsledger.audit;

import dev.opsledger.audit.Answers.Change;
import dev.opsledger.audit.Answers.CommitTimeline;
import dev.opsledger.audit.Answers.HistoryEntry;
import dev.opsledger.audit.Answers.ResourceHistory;
import dev.opsledger.audit.Answers.ResourceState;
import dev.opsledger.audit.Answers.StateAt;
import dev.opsledger.audit.Answers.TimelineStep;
import dev.opsledger.events.ApplyEvent;
import dev.opsledger.events.ApplyFailed;
import dev.opsledger.events.ApplySkipped;
import dev.opsledger.events.ApplyStarted;
import dev.opsledger.events.ApplySucceeded;
import dev.opsledger.events.CommitObserved;
import dev.opsledger.events.CommitRejected;
import dev.opsledger.events.DesiredStateChanged;
import dev.opsledger.events.DesiredStateRemoved;
import dev.opsledger.events.DiffEvent;
import dev.opsledger.events.DiffFailed;
import dev.opsledger.events.DiffState;
import dev.opsledger.events.DriftDetected;
import dev.opsledger.events.EventJson;
import dev.opsledger.events.FieldsConflicted;
import dev.opsledger.events.HealthStatus;
import dev.opsledger.events.NotificationFailed;
import dev.opsledger.events.NotificationFolded;
import dev.opsledger.events.NotificationSent;
import dev.opsledger.events.ObservationFailed;
import dev.opsledger.events.ObservedStateAbsent;
import dev.opsledger.events.ObservedStateChanged;
import dev.opsledger.events.OpsLedgerEvent;
import dev.opsledger.events.Person;
import dev.opsledger.events.PruneHeld;
import dev.opsledger.events.ResourceEvent;
import dev.opsledger.events.ResourceHealthChanged;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.events.RollbackRequested;
import dev.opsledger.events.SkipPolicy;
import dev.opsledger.events.SyncApproved;
import dev.opsledger.events.SyncResumed;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The audit's answers as pure functions of events in log order. No I/O: {@link AuditService} reads
 * the log and hands the events here.
 */
public final class AuditProjections {

  private AuditProjections() {}

  /** Everything that happened to {@code key}, with the commit behind each desired revision. */
  public static ResourceHistory history(List<LoggedEvent> events, ResourceKey key) {
    Map<String, CommitObserved> commits = commitsBySha(events);
    List<HistoryEntry> entries = new ArrayList<>();
    List<String> unreadable = new ArrayList<>();
    String subject = key.toString();
    for (LoggedEvent e : events) {
      if (!e.readable()) {
        if (subject.equals(e.key())) {
          unreadable.add(e.topic() + "/" + e.partition() + "@" + e.offset() + ": " + e.error());
        }
        continue;
      }
      if (!subject.equals(e.event().subject())) {
        continue;
      }
      OpsLedgerEvent data = e.data();
      String revision = revisionOf(data);
      CommitObserved commit = revision == null ? null : commits.get(revision);
      entries.add(
          new HistoryEntry(
              e.event().time(),
              e.topic(),
              e.event().type().ceType(),
              summary(data),
              revision,
              // A rollback names an old revision; who acted is who asked, not its author.
              data instanceof RollbackRequested r
                  ? r.requestedBy()
                  : commit != null ? commit.author() : authorOf(data),
              commit != null ? commit.pullRequest() : null,
              e.event().id(),
              EventJson.mapper().valueToTree(data)));
    }
    return new ResourceHistory(key, entries, unreadable);
  }

  /** The state of every resource as of {@code at}, from events recorded up to then. */
  public static StateAt stateAt(List<LoggedEvent> events, Instant at) {
    StateFold fold = new StateFold();
    for (LoggedEvent e : events) {
      if (e.readable() && !e.event().time().isAfter(at)) {
        fold.add(e);
      }
    }
    return fold.state(at);
  }

  /**
   * The state of every resource, folded one event at a time: what {@link #stateAt} computes from a
   * list, for a reader that follows the log and hands each new batch on in log order.
   */
  public static final class StateFold {
    private final Map<ResourceKey, StateBuilder> states =
        new TreeMap<>(Comparator.comparing(ResourceKey::toString));

    /** Folds in one event; unreadable records and events about no resource change nothing. */
    public void add(LoggedEvent e) {
      if (e.readable() && e.data() instanceof ResourceEvent re) {
        states.computeIfAbsent(re.resource(), StateBuilder::new).apply(re, e.event().time());
      }
    }

    /** The state of every resource after the events folded in so far, labelled as of {@code at}. */
    public StateAt state(Instant at) {
      return new StateAt(at, states.values().stream().map(StateBuilder::build).toList());
    }

    /** What the fold holds, for a snapshot: {@link #restore} gives an equal fold back. */
    public List<FoldedState> save() {
      return states.values().stream().map(StateBuilder::save).toList();
    }

    /** A fold holding what {@link #save} saved. */
    public static StateFold restore(List<FoldedState> saved) {
      StateFold fold = new StateFold();
      for (FoldedState s : saved) {
        StateBuilder b = StateBuilder.restore(s);
        fold.states.put(b.key, b);
      }
      return fold;
    }
  }

  /**
   * One resource's folded state as a snapshot keeps it: every field the fold reads, including the
   * revision its last diff compared, which the answer only uses.
   */
  public record FoldedState(
      ResourceKey key,
      boolean declared,
      String declaredRevision,
      String declaredHash,
      Person author,
      String observed,
      String observedHash,
      String syncState,
      String comparedRevision,
      String lastApply,
      Instant lastApplyAt,
      String health,
      String healthMessage) {}

  /** The way one commit went through the pipeline, with latencies from its recording. */
  public static CommitTimeline timeline(List<LoggedEvent> events, String shaOrPrefix) {
    String sha = fullSha(events, shaOrPrefix);
    CommitObserved commit = null;
    Instant recordedAt = null;
    List<LoggedEvent> chain = new ArrayList<>();
    for (LoggedEvent e : events) {
      if (!e.readable()) {
        continue;
      }
      if (e.data() instanceof CommitObserved c && c.sha().equals(sha)) {
        commit = c;
        recordedAt = e.event().time();
      }
      if (sha.equals(e.event().correlation()) || revisionMatches(e.data(), sha)) {
        chain.add(e);
      }
    }
    chain.sort(TIME_ORDER);
    HealthWindows health = HealthWindows.of(events, chain, sha);
    chain.addAll(health.steps());
    chain.sort(TIME_ORDER);
    // The git-watcher publishes a commit's desired events before its CommitObserved (the record
    // that marks the commit done), so latencies count from whichever came first; counting from
    // the CommitObserved made them negative, which read as "never".
    Instant origin = recordedAt;
    if (!chain.isEmpty() && (origin == null || chain.get(0).event().time().isBefore(origin))) {
      origin = chain.get(0).event().time();
    }
    List<TimelineStep> steps = new ArrayList<>();
    long firstDesired = -1;
    long firstDiff = -1;
    long firstApply = -1;
    Set<String> declared = new LinkedHashSet<>();
    Map<String, Long> lastInSync = new HashMap<>();
    for (LoggedEvent e : chain) {
      long since = origin == null ? 0 : Duration.between(origin, e.event().time()).toMillis();
      OpsLedgerEvent d = e.data();
      steps.add(
          new TimelineStep(
              e.event().time(), since, e.event().type().ceType(), d.subject(), summary(d)));
      if (d instanceof DesiredStateChanged || d instanceof DesiredStateRemoved) {
        declared.add(d.subject());
        firstDesired = firstDesired < 0 ? since : firstDesired;
      } else if (d instanceof DiffEvent diff) {
        firstDiff = firstDiff < 0 ? since : firstDiff;
        if (diff.state().converged()) {
          lastInSync.put(d.subject(), since);
        } else {
          lastInSync.remove(d.subject());
        }
      } else if (d instanceof ApplySucceeded) {
        firstApply = firstApply < 0 ? since : firstApply;
      }
    }
    long allInSync = -1;
    if (!declared.isEmpty() && lastInSync.keySet().containsAll(declared)) {
      allInSync = declared.stream().mapToLong(lastInSync::get).max().orElse(-1);
    }
    Instant allHealthy = health.allHealthyAt();
    long allHealthyMillis =
        allHealthy == null || origin == null
            ? -1
            : Math.max(0, Duration.between(origin, allHealthy).toMillis());
    return new CommitTimeline(
        sha,
        commit == null ? null : commit.author(),
        commit == null ? null : commit.pullRequest(),
        commit == null ? null : commit.committedAt(),
        recordedAt,
        steps,
        firstDesired,
        firstDiff,
        firstApply,
        allInSync,
        allHealthyMillis);
  }

  static final Comparator<LoggedEvent> TIME_ORDER =
      Comparator.comparing((LoggedEvent e) -> e.event().time())
          .thenComparing(LoggedEvent.LOG_ORDER);

  /**
   * A commit's wait for health. For each resource the commit declared, the wait opens at its first
   * successful apply of this revision (or, with nothing to apply, its first in-sync diff of it) and
   * is cancelled by the next desired event of the resource for another revision: a newer revision's
   * health is not this commit's. Health is reported only on change, so the health a resource had
   * when its wait opened counts as reported then (a ConfigMap stays healthy through an update and
   * writes no new health event).
   */
  private static final class HealthWindows {
    private final List<LoggedEvent> steps = new ArrayList<>();
    private final Map<String, Instant> healthyAt = new HashMap<>();
    private final Set<String> waiting = new LinkedHashSet<>();

    static HealthWindows of(List<LoggedEvent> events, List<LoggedEvent> chain, String sha) {
      HealthWindows w = new HealthWindows();
      Map<String, Instant> opens = new LinkedHashMap<>();
      Map<String, Instant> declaredAt = new HashMap<>();
      for (LoggedEvent e : chain) {
        OpsLedgerEvent d = e.data();
        if (d instanceof DesiredStateChanged c && c.revision().equals(sha)) {
          declaredAt.putIfAbsent(d.subject(), e.event().time());
          w.waiting.add(d.subject());
        }
      }
      for (LoggedEvent e : chain) {
        OpsLedgerEvent d = e.data();
        boolean opensWait =
            (d instanceof ApplySucceeded a && !a.dryRun())
                || (d instanceof DiffEvent diff && diff.state().converged());
        if (opensWait && w.waiting.contains(d.subject())) {
          opens.putIfAbsent(d.subject(), e.event().time());
        }
      }
      List<LoggedEvent> sorted = new ArrayList<>();
      for (LoggedEvent e : events) {
        if (e.readable()
            && w.waiting.contains(e.event().subject())
            && (e.data() instanceof ResourceHealthChanged
                || e.data() instanceof DesiredStateChanged
                || e.data() instanceof DesiredStateRemoved)) {
          sorted.add(e);
        }
      }
      sorted.sort(TIME_ORDER);
      Map<String, HealthStatus> last = new HashMap<>();
      Set<String> closed = new LinkedHashSet<>();
      for (LoggedEvent e : sorted) {
        String subject = e.event().subject();
        Instant t = e.event().time();
        Instant open = opens.get(subject);
        if (closed.contains(subject)) {
          continue;
        }
        if (e.data() instanceof ResourceHealthChanged h) {
          if (open == null || t.isBefore(open)) {
            last.put(subject, h.health());
          } else {
            w.steps.add(e);
            w.healthyAt.remove(subject);
            if (h.health() == HealthStatus.HEALTHY) {
              w.healthyAt.put(subject, t);
            }
          }
        } else if (!sha.equals(revisionOf(e.data()))
            && declaredAt.containsKey(subject)
            && t.isAfter(declaredAt.get(subject))) {
          // A newer revision declared the resource: this commit no longer waits for its health.
          // A health reached before that stands; one not reached is never this commit's.
          w.steps.add(e);
          closed.add(subject);
        }
      }
      // Health is written on change only: what it was when the wait opened holds from then on.
      opens.forEach(
          (subject, open) -> {
            boolean changedSince = w.steps.stream().anyMatch(s -> healthOf(s, subject));
            if (!changedSince && last.get(subject) == HealthStatus.HEALTHY) {
              w.healthyAt.put(subject, open);
            }
          });
      return w;
    }

    private static boolean healthOf(LoggedEvent e, String subject) {
      return e.data() instanceof ResourceHealthChanged && e.event().subject().equals(subject);
    }

    List<LoggedEvent> steps() {
      return steps;
    }

    /** When the last of the commit's resources became healthy, or {@code null}. */
    Instant allHealthyAt() {
      if (waiting.isEmpty() || !healthyAt.keySet().containsAll(waiting)) {
        return null;
      }
      return waiting.stream().map(healthyAt::get).max(Comparator.naturalOrder()).orElse(null);
    }
  }

  /** The full SHA of the one recorded commit that starts with {@code prefix}, else the prefix. */
  static String fullSha(List<LoggedEvent> events, String prefix) {
    Set<String> matches = new LinkedHashSet<>();
    for (LoggedEvent e : events) {
      if (e.readable() && e.data() instanceof CommitObserved c && c.sha().startsWith(prefix)) {
        matches.add(c.sha());
      }
    }
    return matches.size() == 1 ? matches.iterator().next() : prefix;
  }

  /** Who changed what between {@code since} and {@code until}: commits, rejections, approvals. */
  public static List<Change> who(List<LoggedEvent> events, Instant since, Instant until) {
    Map<String, Set<String>> resourcesByRevision = new HashMap<>();
    for (LoggedEvent e : events) {
      if (e.readable()
          && (e.data() instanceof DesiredStateChanged || e.data() instanceof DesiredStateRemoved)) {
        resourcesByRevision
            .computeIfAbsent(revisionOf(e.data()), r -> new LinkedHashSet<>())
            .add(e.data().subject());
      }
    }
    List<Change> out = new ArrayList<>();
    Map<String, Boolean> seen = new LinkedHashMap<>();
    for (LoggedEvent e : events) {
      if (!e.readable()) {
        continue;
      }
      Instant t = e.event().time();
      if (t.isBefore(since) || t.isAfter(until)) {
        continue;
      }
      OpsLedgerEvent d = e.data();
      if (d instanceof CommitObserved c
          && seen.putIfAbsent("c" + c.sha() + "@" + c.sequence(), true) == null) {
        boolean rewrite = c.rewrittenFrom() != null;
        out.add(
            new Change(
                // A rewrite happened when it was recorded, whatever the date of the commit it
                // moved the branch to (an old one, for a rewind).
                rewrite || c.committedAt() == null ? t : c.committedAt(),
                rewrite ? "history-rewrite" : "commit",
                c.author(),
                c.committer(),
                c.sha(),
                c.pullRequest(),
                rewrite
                    ? "force-push: "
                        + shortSha(c.rewrittenFrom())
                        + " replaced by "
                        + shortSha(c.sha())
                        + ": "
                        + firstLine(c.message())
                    : firstLine(c.message()),
                List.copyOf(resourcesByRevision.getOrDefault(c.sha(), Set.of())),
                c.rewrittenFrom()));
      } else if (d instanceof CommitRejected r && seen.putIfAbsent("r" + r.sha(), true) == null) {
        out.add(
            new Change(
                r.committedAt() == null ? t : r.committedAt(),
                "rejected-commit",
                r.author(),
                null,
                r.sha(),
                r.pullRequest(),
                r.errors().size() + " manifest error(s), first: " + r.errors().get(0),
                List.of(),
                null));
      } else if (d instanceof RollbackRequested r) {
        out.add(
            new Change(
                r.requestedAt(),
                "rollback",
                r.requestedBy(),
                null,
                r.targetRevision(),
                null,
                rollbackSummary(r),
                List.of(r.resource().toString()),
                null));
      } else if (d instanceof SyncApproved a) {
        out.add(
            new Change(
                a.approvedAt(),
                "approval",
                a.approvedBy(),
                null,
                a.revision(),
                null,
                a.reason(),
                a.resource() == null ? List.of() : List.of(a.resource().toString()),
                null));
      }
    }
    out.sort(Comparator.comparing(Change::time));
    return out;
  }

  /** A line for people about one event. */
  public static String summary(OpsLedgerEvent d) {
    if (d instanceof DiffEvent diff) {
      return diffSummary(diff);
    }
    if (d instanceof ApplyEvent apply) {
      return applySummary(apply);
    }
    if (d instanceof CommitObserved c) {
      String line =
          "commit " + shortSha(c.sha()) + " by " + c.author() + ": " + firstLine(c.message());
      return c.rewrittenFrom() == null
          ? line
          : line + " (force-push: replaced " + shortSha(c.rewrittenFrom()) + ")";
    }
    if (d instanceof CommitRejected r) {
      return "commit " + shortSha(r.sha()) + " rejected: " + r.errors();
    }
    if (d instanceof DesiredStateChanged c) {
      return "declared at " + shortSha(c.revision()) + " in " + c.path();
    }
    if (d instanceof DesiredStateRemoved r) {
      return "removed from Git at " + shortSha(r.revision());
    }
    if (d instanceof ObservedStateChanged o) {
      return "live state changed (" + o.contentHash() + ")";
    }
    if (d instanceof ObservedStateAbsent a) {
      return "not live (" + a.reason() + ")";
    }
    if (d instanceof ObservationFailed f) {
      return "observation failed: " + f.reason() + " " + f.message();
    }
    if (d instanceof ResourceHealthChanged h) {
      return h.health().label()
          + (h.message().isEmpty() ? "" : ": " + h.message())
          + (h.previous() == null ? "" : " (was " + h.previous().label() + ")");
    }
    if (d instanceof SyncApproved a) {
      return "sync approved by " + a.approvedBy();
    }
    if (d instanceof RollbackRequested r) {
      return rollbackSummary(r);
    }
    if (d instanceof SyncResumed r) {
      return "auto-sync resumed: Git moved to "
          + shortSha(r.revision())
          + " after the rollback to "
          + shortSha(r.rolledBackTo());
    }
    if (d instanceof PruneHeld h) {
      return "prunes held: revision "
          + shortSha(h.revision())
          + " removes "
          + h.removals()
          + " of "
          + h.declaredBefore()
          + " resources";
    }
    if (d instanceof NotificationSent n) {
      return "notified " + n.channel();
    }
    if (d instanceof NotificationFailed n) {
      return "notification to " + n.channel() + " failed: " + n.reason();
    }
    if (d instanceof NotificationFolded n) {
      return "notification to " + n.channel() + " folded into a storm summary";
    }
    throw new IllegalArgumentException("unknown event " + d);
  }

  private static String rollbackSummary(RollbackRequested r) {
    return "rolled back to "
        + shortSha(r.targetRevision())
        + " by "
        + r.requestedBy()
        + " (auto-sync paused, Git's "
        + shortSha(r.pausedRevision())
        + " not applied until Git moves)"
        + (r.reason().isEmpty() ? "" : ": " + r.reason());
  }

  private static String diffSummary(DiffEvent d) {
    return switch (d.state()) {
      case DRIFTED -> "drift at " + String.join(", ", ((DriftDetected) d).changedPaths());
      case IN_SYNC -> "in sync with " + shortSha(d.revision());
      case MISSING -> "declared but missing live";
      case EXTRANEOUS -> "live but no longer declared";
      case REMOVED -> "removed";
      case FAILED -> "could not compare: " + ((DiffFailed) d).reason();
    };
  }

  private static String applySummary(ApplyEvent d) {
    if (d instanceof ApplyStarted s) {
      return (s.dryRun() ? "dry-run " : "")
          + s.action().name().toLowerCase()
          + " started, attempt "
          + s.attempt();
    }
    if (d instanceof ApplySucceeded s) {
      return (s.dryRun() ? "dry-run " : "") + "applied: " + s.outcome();
    }
    if (d instanceof ApplyFailed f) {
      return (f.terminal() ? "apply failed (terminal): " : "apply failed (will retry): ")
          + f.reason()
          + " "
          + f.message();
    }
    if (d instanceof FieldsConflicted c) {
      return (c.taken() ? "took fields from other managers: " : "left fields to other managers: ")
          + c.fields().stream()
              .map(f -> f.path() + " (" + f.manager() + ")")
              .collect(java.util.stream.Collectors.joining(", "));
    }
    ApplySkipped skipped = (ApplySkipped) d;
    if (skipped.skipPolicy().map(SkipPolicy::waitsForOrder).orElse(false)) {
      // Not an outcome: the same diff is applied later, and the timeline says what it waits for.
      return "waiting (" + skipped.policy() + "): " + skipped.detail();
    }
    return "apply skipped by policy " + skipped.policy();
  }

  private static boolean revisionMatches(OpsLedgerEvent d, String sha) {
    return sha.equals(revisionOf(d));
  }

  /**
   * Whether the skip only says a redelivered diff was handled before: it changes nothing about the
   * resource, so the last apply stays the one that did something.
   */
  static boolean isRepeat(ApplySkipped s) {
    return s.skipPolicy().filter(p -> p == SkipPolicy.ALREADY_APPLIED).isPresent();
  }

  static String revisionOf(OpsLedgerEvent d) {
    if (d instanceof DiffEvent diff) {
      return diff.revision();
    }
    if (d instanceof ApplyEvent apply) {
      return apply.desiredRevision();
    }
    if (d instanceof CommitObserved c) {
      return c.sha();
    }
    if (d instanceof CommitRejected r) {
      return r.sha();
    }
    if (d instanceof DesiredStateChanged c) {
      return c.revision();
    }
    if (d instanceof DesiredStateRemoved r) {
      return r.revision();
    }
    if (d instanceof SyncApproved a) {
      return a.revision();
    }
    if (d instanceof PruneHeld h) {
      return h.revision();
    }
    if (d instanceof RollbackRequested r) {
      return r.targetRevision();
    }
    if (d instanceof SyncResumed r) {
      return r.revision();
    }
    return null;
  }

  private static Person authorOf(OpsLedgerEvent d) {
    if (d instanceof DesiredStateChanged c) {
      return c.author();
    }
    if (d instanceof DesiredStateRemoved r) {
      return r.author();
    }
    if (d instanceof SyncApproved a) {
      return a.approvedBy();
    }
    if (d instanceof RollbackRequested r) {
      return r.requestedBy();
    }
    return null;
  }

  private static Map<String, CommitObserved> commitsBySha(List<LoggedEvent> events) {
    Map<String, CommitObserved> out = new HashMap<>();
    for (LoggedEvent e : events) {
      if (e.readable() && e.data() instanceof CommitObserved c) {
        out.put(c.sha(), c);
      }
    }
    return out;
  }

  private static String shortSha(String sha) {
    return sha == null ? "?" : sha.length() > 12 ? sha.substring(0, 12) : sha;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int nl = message.indexOf('\n');
    return (nl < 0 ? message : message.substring(0, nl)).trim();
  }

  /** Folds one resource's events into its state. */
  private static final class StateBuilder {
    private final ResourceKey key;
    private boolean declared;
    private String declaredRevision;
    private String declaredHash;
    private Person author;
    private String observed = "unknown";
    private String observedHash;
    private String syncState = ResourceState.UNKNOWN;
    private String comparedRevision;
    private String lastApply;
    private Instant lastApplyAt;
    private String health = ResourceState.UNKNOWN;
    private String healthMessage = "";

    StateBuilder(ResourceKey key) {
      this.key = key;
    }

    void apply(ResourceEvent e, Instant time) {
      if (e instanceof DesiredStateChanged c) {
        declared = true;
        declaredRevision = c.revision();
        declaredHash = c.contentHash();
        author = c.author();
      } else if (e instanceof DesiredStateRemoved r) {
        declared = false;
        declaredRevision = r.revision();
        declaredHash = null;
        author = r.author();
      } else if (e instanceof ObservedStateChanged o) {
        observed = "present";
        observedHash = o.contentHash();
      } else if (e instanceof ObservedStateAbsent) {
        observed = "absent";
        observedHash = null;
        // Nothing live has no health; the collector reports it afresh when the object is back.
        health = ResourceState.UNKNOWN;
        healthMessage = "";
      } else if (e instanceof ResourceHealthChanged h) {
        health = h.health().label();
        healthMessage = h.message();
      } else if (e instanceof DiffEvent d) {
        syncState = d.state().label();
        comparedRevision = d.revision();
      } else if (e instanceof ApplySucceeded s) {
        lastApply = (s.dryRun() ? "DRY_RUN_" : "") + s.outcome().name();
        lastApplyAt = time;
      } else if (e instanceof ApplyFailed f) {
        lastApply = f.terminal() ? "FAILED" : "RETRYING";
        lastApplyAt = time;
      } else if (e instanceof ApplySkipped s && !isRepeat(s)) {
        lastApply = "SKIPPED(" + s.policy() + ")";
        lastApplyAt = time;
      }
      // Apply starts and observation failures do not change the resource's state.
    }

    FoldedState save() {
      return new FoldedState(
          key,
          declared,
          declaredRevision,
          declaredHash,
          author,
          observed,
          observedHash,
          syncState,
          comparedRevision,
          lastApply,
          lastApplyAt,
          health,
          healthMessage);
    }

    static StateBuilder restore(FoldedState s) {
      StateBuilder b = new StateBuilder(s.key());
      b.declared = s.declared();
      b.declaredRevision = s.declaredRevision();
      b.declaredHash = s.declaredHash();
      b.author = s.author();
      b.observed = s.observed();
      b.observedHash = s.observedHash();
      b.syncState = s.syncState();
      b.comparedRevision = s.comparedRevision();
      b.lastApply = s.lastApply();
      b.lastApplyAt = s.lastApplyAt();
      b.health = s.health();
      b.healthMessage = s.healthMessage();
      return b;
    }

    ResourceState build() {
      // In sync is a verdict about one revision: a newer declared revision that was not compared
      // yet (a rewind, a backdated commit, any new content) is not in sync until the differ says.
      String sync =
          declared
                  && DiffState.IN_SYNC.label().equals(syncState)
                  && !java.util.Objects.equals(comparedRevision, declaredRevision)
              ? ResourceState.UNKNOWN
              : syncState;
      return new ResourceState(
          key,
          declared,
          declaredRevision,
          declaredHash,
          author,
          observed,
          observedHash,
          sync,
          lastApply,
          lastApplyAt,
          health,
          healthMessage);
    }
  }
}
