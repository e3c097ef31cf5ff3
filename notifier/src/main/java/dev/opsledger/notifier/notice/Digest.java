package dev.opsledger.notifier.notice;

import dev.opsledger.events.ApplyEvent;
import dev.opsledger.events.ApplyFailed;
import dev.opsledger.events.ApplyOutcome;
import dev.opsledger.events.ApplySkipped;
import dev.opsledger.events.ApplySucceeded;
import dev.opsledger.events.CommitObserved;
import dev.opsledger.events.CommitRejected;
import dev.opsledger.events.DesiredStateChanged;
import dev.opsledger.events.DesiredStateRemoved;
import dev.opsledger.events.DiffEvent;
import dev.opsledger.events.DiffFailed;
import dev.opsledger.events.DiffState;
import dev.opsledger.events.DriftDetected;
import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.FieldsConflicted;
import dev.opsledger.events.HealthStatus;
import dev.opsledger.events.OpsLedgerEvent;
import dev.opsledger.events.PruneHeld;
import dev.opsledger.events.ResourceEvent;
import dev.opsledger.events.ResourceHealthChanged;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.events.SkipPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What people read in chat: one message per change instead of one per event.
 *
 * <ul>
 *   <li><b>Commits.</b> A commit's resources are the ones its desired events declare (and any a
 *       diff or apply names with its revision). It settles when every one of them is in sync,
 *       failed (terminally, or still failing after the grace period), waits for approval or is left
 *       as is by policy, and nothing about it happened for {@link Policy#settleQuiet()}; or, at the
 *       latest, {@link Policy#settleTimeout()} after its first event. Then one {@link
 *       NoticeKind#COMMIT_SETTLED} notice says it all. A rejected commit is one {@link
 *       NoticeKind#COMMIT_REJECTED} notice.
 *   <li><b>Drift.</b> A drift of a resource whose revision has settled (a live edit, a deletion)
 *       opens an episode. Channels that cannot edit get one message once the outcome is known or
 *       the hold ({@link Policy#driftHold()}) is over: "healed in 120 ms" (every drift and heal in
 *       the hold, so flapping is one message), or "still drifted" and later one "ended". Channels
 *       that can edit get a message at once and updates of it.
 *   <li><b>Failures.</b> A retryable apply failure outside a settling commit says nothing unless it
 *       is still failing after {@link Policy#grace()} or {@link Policy#graceAttempts()} attempts;
 *       then one alert, and one "resolved" when the resource is in sync again.
 * </ul>
 *
 * <p>Events only change state ({@link #observe}); notices come out of {@link #due}, which the
 * caller asks often. Every notice's {@link Notice#id()} is the id of an event that opened what it
 * is about (the {@code CommitObserved}, the first drift, the first failure, the healing event), so
 * the same log always gives the same ids: a notifier that rebuilt this state from the log after a
 * restart asks its sent ledger and sends only what was not sent. Event times decide outcomes (so a
 * rebuild decides the same); the wall clock only decides when to look. Not thread-safe.
 */
public final class Digest {

  /**
   * The timing rules.
   *
   * @param settleQuiet how long nothing may happen to a commit whose resources all settled before
   *     it is summarised (events arrive on several topics, so one may lag)
   * @param settleTimeout the longest a commit waits for its summary
   * @param driftHold how long a drift waits for its outcome before a channel that cannot edit is
   *     told
   * @param grace how long a retryable failure may last before it is an alert
   * @param graceAttempts how many failed attempts make a retryable failure an alert
   * @param firstDiffs how many per-resource diffs a commit summary shows
   */
  public record Policy(
      Duration settleQuiet,
      Duration settleTimeout,
      Duration driftHold,
      Duration grace,
      int graceAttempts,
      int firstDiffs) {

    /** The defaults: 2 s quiet, 15 min timeout, 10 s hold, 30 s or 3 attempts grace, 3 diffs. */
    public static Policy defaults() {
      return new Policy(
          Duration.ofSeconds(2),
          Duration.ofMinutes(15),
          Duration.ofSeconds(10),
          Duration.ofSeconds(30),
          3,
          3);
    }
  }

  /** The longest diff excerpt of one resource in a commit summary, in lines. */
  static final int SUMMARY_DIFF_LINES = 12;

  private enum State {
    PENDING,
    IN_SYNC,
    FAILED,
    APPROVAL,
    LEFT
  }

  /** One resource within a settling commit. */
  private static final class Res {
    final ResourceKey key;
    State state = State.PENDING;
    Instant stateAt = Instant.MIN;
    ApplyOutcome outcome;
    boolean removal;
    String reason = "";
    String diff = "";
    List<String> paths = List.of();
    String problem;
    EventEnvelope<?> problemEvent;
    EventEnvelope<?> healer;
    EventEnvelope<?> firstFailure;
    Instant failingSince;
    int failures;
    boolean liveAfter;

    Res(ResourceKey key) {
      this.key = key;
    }
  }

  private static final class Commit {
    final String sourceId;
    final String sha;
    EventEnvelope<?> first;
    EventEnvelope<?> observed;
    CommitObserved commit;
    EventEnvelope<?> rejected;
    boolean declared;
    Instant firstAt;
    Instant lastAt;
    Instant touched;
    final Map<ResourceKey, Res> resources = new LinkedHashMap<>();
    final List<String> ended = new ArrayList<>();

    Commit(String sourceId, String sha) {
      this.sourceId = sourceId;
      this.sha = sha;
    }

    Res res(ResourceKey key) {
      return resources.computeIfAbsent(key, Res::new);
    }
  }

  /** A drift of a resource outside a settling commit. */
  private static final class Episode {
    final ResourceKey key;
    final String sourceId;
    final String revision;
    final EventEnvelope<?> opener;
    final Instant openedAt;
    final String cause;
    final Set<String> paths = new LinkedHashSet<>();
    String diff = "";
    int drifts = 1;
    Instant healedAt;
    EventEnvelope<?> healer;
    String left = "";
    boolean heldAnnounced;
    boolean heldDone;
    boolean liveOpened;
    EventEnvelope<?> liveChange;

    Episode(
        ResourceKey key,
        String sourceId,
        String revision,
        EventEnvelope<?> opener,
        Instant openedAt,
        String cause) {
      this.key = key;
      this.sourceId = sourceId;
      this.revision = revision;
      this.opener = opener;
      this.openedAt = openedAt;
      this.cause = cause;
    }

    boolean liveDone() {
      return liveOpened && healedAt != null && liveChange == null;
    }
  }

  /** A retryable or terminal apply failure outside a settling commit. */
  private static final class Failure {
    final ResourceKey key;
    final String sourceId;
    final EventEnvelope<?> first;
    final Instant since;
    ApplyFailed last;
    int attempts;
    boolean alerted;
    EventEnvelope<?> resolver;

    Failure(ResourceKey key, String sourceId, EventEnvelope<?> first, Instant since) {
      this.key = key;
      this.sourceId = sourceId;
      this.first = first;
      this.since = since;
    }
  }

  private final Policy policy;
  private final Map<String, Commit> commits = new LinkedHashMap<>();

  /** Commits already told, with the moment up to which their own events may still arrive. */
  private final Map<String, Instant> settled;

  private final Map<ResourceKey, Instant> inSyncAt;
  private final Map<ResourceKey, Episode> episodes = new LinkedHashMap<>();
  private final Map<ResourceKey, Failure> failures = new LinkedHashMap<>();
  // Alerts that need no settling: a revision's prunes held for approval, a field conflict, a
  // resource turned Degraded.
  private final List<Notice> immediate = new ArrayList<>();
  private final int capacity;

  /** A digest remembering at most {@code capacity} commits, resources and episodes. */
  public Digest(Policy policy, int capacity) {
    this.policy = policy;
    this.capacity = capacity;
    this.settled = lru(capacity);
    this.inSyncAt = lru(capacity);
  }

  /**
   * Learns from an event; says nothing ({@link #due} does).
   *
   * @param now the wall clock, to wait for a quiet moment before summarising a commit
   */
  public void observe(EventEnvelope<?> envelope, Instant now) {
    OpsLedgerEvent event = envelope.data();
    Instant t = envelope.time();
    if (event instanceof DesiredStateChanged d) {
      Commit c = commit(d.sourceId(), d.revision(), envelope, now);
      if (c != null) {
        c.declared = true;
        c.res(d.resource());
      }
    } else if (event instanceof DesiredStateRemoved d) {
      Commit c = commit(d.sourceId(), d.revision(), envelope, now);
      if (c != null) {
        c.declared = true;
        c.res(d.resource()).removal = true;
      }
    } else if (event instanceof CommitObserved o) {
      Commit c = commit(o.sourceId(), o.sha(), envelope, now);
      if (c != null) {
        c.observed = envelope;
        c.commit = o;
      }
    } else if (event instanceof CommitRejected r) {
      Commit c = commit(r.sourceId(), r.sha(), envelope, now);
      if (c != null) {
        c.rejected = envelope;
      }
    } else if (event instanceof PruneHeld h) {
      immediate.add(DigestNotices.pruneHeld(envelope, h));
    } else if (event instanceof FieldsConflicted f) {
      immediate.add(DigestNotices.conflicted(envelope, f));
    } else if (event instanceof ResourceHealthChanged h && h.health() == HealthStatus.DEGRADED) {
      // A commit's summary does not wait for health (OpsLedger never blocks on it): a resource
      // that turns Degraded is told at once, whichever revision it runs.
      immediate.add(DigestNotices.degraded(envelope, h));
    } else if (event instanceof DiffEvent || event instanceof ApplyEvent) {
      resourceEvent(envelope, (ResourceEvent) event, t, now);
    }
  }

  private void resourceEvent(EventEnvelope<?> envelope, ResourceEvent e, Instant t, Instant now) {
    String source = e instanceof DiffEvent d ? d.sourceId() : ((ApplyEvent) e).sourceId();
    String revision = e instanceof DiffEvent d ? d.revision() : ((ApplyEvent) e).desiredRevision();
    Commit c = null;
    Instant horizon =
        source == null || revision == null ? null : settled.get(source + "@" + revision);
    if (horizon != null && !t.isAfter(horizon)) {
      // A late event of a commit already told (applies and diffs are read on separate topics, or
      // the log is read again): it belongs to that commit's story, not to a new drift.
      return;
    }
    if (source != null && revision != null && !revision.isBlank()) {
      // An unknown revision may be a new commit whose desired events lag on their topic: it is
      // held as an unconfirmed commit for the quiet period (see due).
      c = commit(source, revision, envelope, now);
    }
    if (e instanceof DiffEvent d && d.state().converged()) {
      inSyncAt.merge(e.resource(), t, (a, b) -> a.isAfter(b) ? a : b);
    }
    if (c != null) {
      inCommit(c, envelope, e, t);
    } else {
      outside(envelope, e, t);
    }
  }

  private void inCommit(Commit c, EventEnvelope<?> envelope, ResourceEvent e, Instant t) {
    Res r = c.res(e.resource());
    if (r.state == State.IN_SYNC
        && t.isAfter(r.stateAt)
        && e instanceof DiffEvent d
        && (d.state() == DiffState.DRIFTED || d.state() == DiffState.MISSING)) {
      // The resource had settled for this commit: a new drift is a live edit while the commit
      // waits for its quiet moment, told on its own.
      r.liveAfter = true;
    }
    if (r.liveAfter) {
      outside(envelope, e, t);
      return;
    }
    if (e instanceof DiffEvent d) {
      switch (d.state()) {
        case IN_SYNC, REMOVED -> {
          set(r, State.IN_SYNC, t);
          if (r.problem != null && r.healer == null) {
            r.healer = envelope;
          }
          endOutside(c, e.resource(), t);
        }
        case DRIFTED -> {
          DriftDetected drift = (DriftDetected) d;
          set(r, State.PENDING, t);
          r.diff = drift.diff();
          r.paths = drift.changedPaths();
          problem(r, "drifted", envelope);
        }
        case MISSING -> {
          set(r, State.PENDING, t);
          problem(r, "missing", envelope);
        }
        case EXTRANEOUS -> {
          set(r, State.PENDING, t);
          r.removal = true;
        }
        case FAILED -> {
          set(r, State.FAILED, t);
          r.reason = "cannot compare: " + Masking.mask(((DiffFailed) d).reason());
        }
      }
    } else if (e instanceof ApplySucceeded a) {
      if (a.dryRun()) {
        set(r, State.LEFT, t);
        r.reason = "dry run";
      } else {
        // What an apply changed is a fact whenever it arrives (applies and diffs are two topics:
        // the in-sync diff is often read first); a later no-op does not hide an earlier create.
        if (r.outcome == null || a.outcome() != ApplyOutcome.UNCHANGED) {
          r.outcome = a.outcome();
        }
        if (r.failingSince != null && !t.isBefore(r.failingSince)) {
          r.failingSince = null;
        }
      }
    } else if (e instanceof ApplyFailed f) {
      if (t.isBefore(r.stateAt)) {
        return;
      }
      r.failures++;
      r.firstFailure = r.firstFailure == null ? envelope : r.firstFailure;
      r.failingSince = r.failingSince == null ? t : r.failingSince;
      r.reason = failureText(f);
      set(r, f.terminal() ? State.FAILED : State.PENDING, t);
    } else if (e instanceof ApplySkipped s) {
      if (s.skippedBy(SkipPolicy.MANUAL_APPROVAL)) {
        set(r, State.APPROVAL, t);
      } else if (s.skipPolicy().map(SkipPolicy::leavesDriftInPlace).orElse(false)) {
        set(r, State.LEFT, t);
        r.reason = s.policy();
      }
    }
  }

  private static void problem(Res r, String problem, EventEnvelope<?> envelope) {
    if (r.problem == null || r.healer != null) {
      r.problemEvent = envelope;
      r.healer = null;
    }
    r.problem = problem;
  }

  private static void set(Res r, State state, Instant t) {
    if (!t.isBefore(r.stateAt)) {
      r.state = state;
      r.stateAt = t;
    }
  }

  /** A commit ends a drift or a failure of one of its resources: its summary says so. */
  private void endOutside(Commit c, ResourceKey key, Instant t) {
    Episode ep = episodes.get(key);
    if (ep != null && ep.openedAt.isBefore(t)) {
      episodes.remove(key);
      c.ended.add(
          "ends the drift of "
              + key.shortName()
              + " at "
              + String.join(", ", ep.paths)
              + " (drifted "
              + Durations.human(Duration.between(ep.openedAt, t))
              + " earlier)");
    }
    Failure f = failures.get(key);
    if (f != null && f.since.isBefore(t)) {
      failures.remove(key);
      if (f.alerted) {
        c.ended.add(
            "fixes "
                + key.shortName()
                + ", failing since "
                + f.since
                + " ("
                + f.attempts
                + " attempts)");
      }
    }
  }

  private void outside(EventEnvelope<?> envelope, ResourceEvent e, Instant t) {
    ResourceKey key = e.resource();
    if (e instanceof DiffEvent d) {
      switch (d.state()) {
        case DRIFTED, MISSING -> drifted(envelope, d, t);
        case IN_SYNC, REMOVED -> {
          Episode ep = episodes.get(key);
          if (ep != null && ep.healedAt == null && !t.isBefore(ep.openedAt)) {
            ep.healedAt = t;
            ep.healer = envelope;
            ep.liveChange = ep.liveOpened ? envelope : null;
          }
          Failure f = failures.get(key);
          if (f != null && f.resolver == null && !t.isBefore(f.since)) {
            f.resolver = envelope;
          }
        }
        default -> {
          // Extraneous, removed from Git, or not comparable outside a commit: the commit said it.
        }
      }
    } else if (e instanceof ApplyFailed f) {
      Instant synced = inSyncAt.get(key);
      if (synced != null && synced.isAfter(t)) {
        return;
      }
      Failure run = failures.computeIfAbsent(key, k -> new Failure(k, f.sourceId(), envelope, t));
      if (run.resolver != null) {
        failures.put(key, run = new Failure(key, f.sourceId(), envelope, t));
      }
      run.last = f;
      run.attempts++;
    } else if (e instanceof ApplySkipped s) {
      Episode ep = episodes.get(key);
      if (ep != null && s.skipPolicy().map(SkipPolicy::leavesDriftInPlace).orElse(false)) {
        ep.left = s.policy();
      }
    } else if (e instanceof ApplySucceeded a && a.dryRun()) {
      Episode ep = episodes.get(key);
      if (ep != null) {
        ep.left = "dry run";
      }
    }
  }

  private void drifted(EventEnvelope<?> envelope, DiffEvent d, Instant t) {
    ResourceKey key = d.resource();
    Episode ep = episodes.get(key);
    if (ep == null || (ep.heldAnnounced && ep.healedAt != null)) {
      ep =
          new Episode(
              key,
              d.sourceId(),
              d.revision(),
              envelope,
              t,
              d instanceof DriftDetected ? "live edit" : "deleted");
      episodes.put(key, ep);
      evict(episodes);
    } else if (ep.healedAt != null) {
      ep.drifts++;
      ep.healedAt = null;
      ep.healer = null;
      ep.liveChange = ep.liveOpened ? envelope : null;
    }
    if (d instanceof DriftDetected drift) {
      ep.paths.addAll(drift.changedPaths());
      ep.diff = drift.diff();
    } else {
      ep.paths.add("the whole resource");
    }
  }

  /**
   * Learns that a commit was already told (a summary or a rejection the log says was sent): its own
   * events, up to {@code horizon}, are history, not drift.
   */
  public void settled(String sourceId, String sha, Instant horizon) {
    String k = sourceId + "@" + sha;
    commits.remove(k);
    settled.merge(k, horizon, (a, b) -> a.isAfter(b) ? a : b);
  }

  private Commit commit(String sourceId, String sha, EventEnvelope<?> envelope, Instant now) {
    String k = sourceId + "@" + sha;
    if (settled.containsKey(k)) {
      return null;
    }
    Commit c = commits.get(k);
    if (c == null) {
      c = new Commit(sourceId, sha);
      c.first = envelope;
      c.firstAt = envelope.time();
      c.lastAt = envelope.time();
      commits.put(k, c);
      evictCommits();
    }
    if (envelope.time().isBefore(c.firstAt)) {
      c.firstAt = envelope.time();
      c.first = envelope;
    }
    if (envelope.time().isAfter(c.lastAt)) {
      c.lastAt = envelope.time();
    }
    c.touched = now;
    return c;
  }

  /**
   * The notices whose time has come, each once: a settled commit, a drift whose hold is over or
   * whose outcome is known, a failure past its grace, a resolution.
   */
  public List<Notice> due(Instant now) {
    List<Notice> out = new ArrayList<>(immediate);
    immediate.clear();
    for (Commit c : List.copyOf(commits.values())) {
      dueCommit(c, now, out);
    }
    for (Episode ep : List.copyOf(episodes.values())) {
      dueEpisode(ep, now, out);
    }
    for (Failure f : List.copyOf(failures.values())) {
      dueFailure(f, now, out);
    }
    return out;
  }

  /** How many commits wait to settle, drifts are open and failures are watched. */
  public int open() {
    return commits.size() + episodes.size() + failures.size();
  }

  private void dueCommit(Commit c, Instant now, List<Notice> out) {
    String k = c.sourceId + "@" + c.sha;
    if (c.rejected != null) {
      out.add(DigestNotices.rejected(c.rejected, (CommitRejected) c.rejected.data()));
      finish(k, now);
      return;
    }
    Instant quietSince = c.touched.isAfter(c.lastAt) ? c.touched : c.lastAt;
    boolean quiet = !now.isBefore(quietSince.plus(policy.settleQuiet()));
    if (c.observed == null && !c.declared) {
      // Nobody declared this revision lately. Its declaration may still be on its way (the desired
      // and commits topics are read by their own consumers), so wait a hold longer than for quiet.
      if (!now.isBefore(quietSince.plus(policy.settleQuiet()).plus(policy.driftHold()))) {
        // Nobody declared this revision lately: these are drifts of an older commit.
        commits.remove(k);
        dissolve(c);
      }
      return;
    }
    boolean timedOut = !now.isBefore(c.firstAt.plus(policy.settleTimeout()));
    if (c.observed == null && !timedOut) {
      return;
    }
    if (c.resources.isEmpty()) {
      if (quiet) {
        finish(k, now);
      }
      return;
    }
    // A resource that was missing or drifted and is in sync with no apply read yet was most likely
    // applied by the applier, whose event is on another topic: wait a hold longer for it, so that
    // the counts say what was created or changed.
    boolean applyLate =
        !now.isBefore(quietSince.plus(policy.settleQuiet()).plus(policy.driftHold()));
    boolean allSettled =
        c.resources.values().stream()
            .allMatch(
                r ->
                    settledState(r, now)
                        && (applyLate
                            || r.state != State.IN_SYNC
                            || r.problem == null
                            || r.removal
                            || r.outcome != null));
    if ((allSettled && quiet) || timedOut) {
      out.add(summary(c, now, !allSettled));
      finish(k, now);
      handOver(c, now);
    }
  }

  private boolean settledState(Res r, Instant now) {
    return r.state != State.PENDING || failingPastGrace(r, now);
  }

  private boolean failingPastGrace(Res r, Instant now) {
    return r.failingSince != null
        && (r.failures >= policy.graceAttempts()
            || !now.isBefore(r.failingSince.plus(policy.grace())));
  }

  private void finish(String key, Instant now) {
    commits.remove(key);
    settled.put(key, now);
  }

  /** Failures the summary reported stay watched, so that their end is told. */
  private void handOver(Commit c, Instant now) {
    for (Res r : c.resources.values()) {
      if (r.state == State.FAILED || (r.state == State.PENDING && failingPastGrace(r, now))) {
        Failure f =
            new Failure(
                r.key,
                c.sourceId,
                r.firstFailure != null
                    ? r.firstFailure
                    : (c.observed != null ? c.observed : c.first),
                r.failingSince == null ? r.stateAt : r.failingSince);
        f.attempts = r.failures;
        f.alerted = true;
        failures.put(r.key, f);
      }
    }
    evict(failures);
  }

  /** An unconfirmed revision's events were about resources outside any settling commit. */
  private void dissolve(Commit c) {
    for (Res r : c.resources.values()) {
      if (r.problemEvent != null) {
        drifted(r.problemEvent, (DiffEvent) r.problemEvent.data(), r.problemEvent.time());
        if (r.healer != null) {
          outside(r.healer, (ResourceEvent) r.healer.data(), r.healer.time());
        }
      }
      if (r.firstFailure != null && r.state != State.IN_SYNC) {
        Failure f = new Failure(r.key, c.sourceId, r.firstFailure, r.failingSince);
        f.attempts = r.failures;
        f.last = (ApplyFailed) r.firstFailure.data();
        failures.put(r.key, f);
      }
    }
  }

  private void dueEpisode(Episode ep, Instant now, List<Notice> out) {
    boolean holdOver = !now.isBefore(ep.openedAt.plus(policy.driftHold()));
    if (!ep.heldDone) {
      if (ep.heldAnnounced) {
        if (ep.healedAt != null) {
          out.add(DigestNotices.driftEnded(ep.healer, ep.key, ep.sourceId, ep.revision, text(ep)));
          ep.heldDone = true;
        }
      } else if (holdOver) {
        out.add(
            DigestNotices.drift(
                ep.opener,
                ep.key,
                ep.sourceId,
                ep.revision,
                ep.diff,
                text(ep),
                Audience.CHAT_HELD,
                null));
        if (ep.healedAt != null) {
          ep.heldDone = true;
        } else {
          ep.heldAnnounced = true;
        }
      }
    }
    if (!ep.liveOpened) {
      out.add(
          DigestNotices.drift(
              ep.opener,
              ep.key,
              ep.sourceId,
              ep.revision,
              ep.diff,
              text(ep),
              Audience.CHAT_LIVE,
              null));
      ep.liveOpened = true;
      ep.liveChange = null;
    } else if (ep.liveChange != null) {
      out.add(
          DigestNotices.drift(
              ep.liveChange,
              ep.key,
              ep.sourceId,
              ep.revision,
              ep.diff,
              text(ep),
              Audience.CHAT_LIVE,
              ep.opener.id()));
      ep.liveChange = null;
    }
    if (ep.heldDone && ep.liveDone()) {
      episodes.remove(ep.key);
    }
  }

  /** "drifted at /spec/replicas (live edit), healed in 120 ms" and its variants. */
  private static String text(Episode ep) {
    StringBuilder s = new StringBuilder();
    String times = ep.drifts > 1 ? " " + ep.drifts + " times" : "";
    if (ep.cause.equals("deleted")) {
      s.append("was deleted").append(times).append(" (outside Git)");
    } else {
      s.append("drifted").append(times).append(" at ").append(String.join(", ", ep.paths));
      s.append(" (").append(ep.cause).append(")");
    }
    if (ep.healedAt != null) {
      String took = Durations.human(Duration.between(ep.openedAt, ep.healedAt));
      if (ep.heldAnnounced) {
        s.append(", ended after ").append(took);
      } else {
        s.append(ep.drifts > 1 ? ", healed each time; in sync " : ", healed in ");
        s.append(ep.drifts > 1 ? took + " after the first drift" : took);
      }
    } else if (!ep.left.isEmpty()) {
      s.append(", left in place (").append(ep.left).append("): it is reported when it ends");
    } else {
      s.append(", not healed yet: its end is reported when it ends");
    }
    return s.toString();
  }

  private void dueFailure(Failure f, Instant now, List<Notice> out) {
    boolean terminal = f.last != null && f.last.terminal();
    if (!f.alerted
        && f.resolver == null
        && (terminal
            || f.attempts >= policy.graceAttempts()
            || !now.isBefore(f.since.plus(policy.grace())))) {
      out.add(DigestNotices.failing(f.first, f.last, f.key, f.sourceId, f.attempts, f.since));
      f.alerted = true;
    }
    if (f.resolver != null) {
      if (f.alerted) {
        out.add(
            DigestNotices.resolved(
                f.resolver,
                f.key,
                f.sourceId,
                Duration.between(f.since, f.resolver.time()),
                f.attempts));
      }
      failures.remove(f.key);
    }
  }

  private Notice summary(Commit c, Instant now, boolean timedOut) {
    DigestNotices.Counts n = new DigestNotices.Counts();
    List<String> details = new ArrayList<>();
    List<String> diffs = new ArrayList<>();
    Instant settledAt = c.firstAt;
    for (Res r : c.resources.values()) {
      if (r.stateAt.isAfter(settledAt)) {
        settledAt = r.stateAt;
      }
      boolean failing =
          r.state == State.FAILED || (r.state == State.PENDING && failingPastGrace(r, now));
      if (failing) {
        n.failed++;
        details.add("• failed: " + r.key.shortName() + ": " + r.reason);
      } else if (r.state == State.APPROVAL) {
        n.waiting++;
      } else if (r.state == State.LEFT) {
        n.left++;
        details.add("• left as is: " + r.key.shortName() + " (" + r.reason + ")");
      } else if (r.state == State.PENDING) {
        n.pending++;
      } else if (r.removal || r.outcome == ApplyOutcome.DELETED) {
        n.pruned++;
      } else if (r.outcome == ApplyOutcome.CREATED) {
        n.created++;
      } else if (r.outcome == ApplyOutcome.PATCHED) {
        n.changed++;
      } else {
        n.unchanged++;
      }
      if (!r.diff.isEmpty() && diffs.size() < policy.firstDiffs()) {
        diffs.add("*" + r.key.shortName() + "*\n```" + excerpt(r.diff) + "```");
      }
    }
    if (n.waiting > 0) {
      details.add(
          "• "
              + n.waiting
              + " change(s) wait for approval: `opsledger sync --all` (or `opsledger sync RESOURCE`)");
    }
    c.ended.forEach(e -> details.add("• " + e));
    int withDiff = (int) c.resources.values().stream().filter(r -> !r.diff.isEmpty()).count();
    if (withDiff > diffs.size()) {
      diffs.add("… and " + (withDiff - diffs.size()) + " more diff(s) in the timeline");
    }
    return DigestNotices.settled(
        c.observed != null ? c.observed : c.first,
        c.commit,
        c.sourceId,
        c.sha,
        n,
        Duration.between(c.firstAt, settledAt),
        timedOut,
        cap(details, 10),
        diffs);
  }

  private static List<String> cap(List<String> lines, int max) {
    if (lines.size() <= max) {
      return lines;
    }
    List<String> out = new ArrayList<>(lines.subList(0, max));
    out.add("… and " + (lines.size() - max) + " more");
    return out;
  }

  private static String excerpt(String diff) {
    String[] lines = Masking.mask(diff).split("\n");
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < lines.length && i < SUMMARY_DIFF_LINES; i++) {
      s.append(lines[i]).append('\n');
    }
    if (lines.length > SUMMARY_DIFF_LINES) {
      s.append("… (").append(lines.length - SUMMARY_DIFF_LINES).append(" more lines)\n");
    }
    return s.toString();
  }

  private static String failureText(ApplyFailed f) {
    return Masking.mask(f.reason())
        + (f.message() == null || f.message().isBlank() ? "" : " " + Masking.mask(f.message()))
        + (f.terminal() ? " (terminal)" : " (attempt " + f.attempt() + ", retrying)");
  }

  private void evictCommits() {
    while (commits.size() > capacity) {
      String eldest = commits.keySet().iterator().next();
      commits.remove(eldest);
    }
  }

  private <V> void evict(Map<ResourceKey, V> map) {
    while (map.size() > capacity) {
      map.remove(map.keySet().iterator().next());
    }
  }

  private static <K, V> Map<K, V> lru(int capacity) {
    return new LinkedHashMap<>(16, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > capacity;
      }
    };
  }
}
