package dev.opsledger.notifier.notice;

import dev.opsledger.events.ApplyEvent;
import dev.opsledger.events.ApplyFailed;
import dev.opsledger.events.ApplySkipped;
import dev.opsledger.events.ApplyStarted;
import dev.opsledger.events.ApplySucceeded;
import dev.opsledger.events.CommitObserved;
import dev.opsledger.events.CommitRejected;
import dev.opsledger.events.DiffEvent;
import dev.opsledger.events.DriftDetected;
import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.FieldsConflicted;
import dev.opsledger.events.HealthStatus;
import dev.opsledger.events.ManifestError;
import dev.opsledger.events.OpsLedgerEvent;
import dev.opsledger.events.PruneHeld;
import dev.opsledger.events.ResourceEvent;
import dev.opsledger.events.ResourceHealthChanged;
import dev.opsledger.events.ResourceInSync;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.events.ResourceMissing;
import dev.opsledger.events.SkipPolicy;
import dev.opsledger.notifier.notice.RevisionStatus.Aggregate;
import dev.opsledger.notifier.notice.RevisionStatus.ResourceState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Turns events into notices: a pure step over two trackers ({@link ResourceHealth}, {@link
 * RevisionStatus}). Feeding it the same history gives the same notices; the notifier feeds it the
 * already-processed part of the log at start without sending, so that its state survives restarts.
 *
 * <p>Not thread-safe: the caller serialises.
 */
public final class Notices {

  /** The longest diff excerpt put into a notice, in characters. */
  public static final int MAX_EXCERPT_CHARS = 2_500;

  /** The most diff lines put into a notice. */
  public static final int MAX_EXCERPT_LINES = 40;

  private final ResourceHealth health;
  private final RevisionStatus revisions;

  /** A builder remembering at most {@code capacity} resources and revisions. */
  public Notices(int capacity) {
    this.health = new ResourceHealth(capacity);
    this.revisions = new RevisionStatus(capacity);
  }

  /** The notices an event gives, in order; updates the trackers. */
  public List<Notice> observe(EventEnvelope<?> envelope) {
    OpsLedgerEvent event = envelope.data();
    List<Notice> out = new ArrayList<>(2);
    if (event instanceof DiffEvent d) {
      diff(out, envelope, d);
    } else if (event instanceof ApplyEvent a) {
      apply(out, envelope, a);
    } else if (event instanceof PruneHeld h) {
      out.add(pruneHeld(envelope, h));
    } else if (event instanceof ResourceHealthChanged h && h.health() == HealthStatus.DEGRADED) {
      out.add(degraded(envelope, h));
    } else if (event instanceof CommitObserved c) {
      out.add(statusNotice(envelope, revisions.commitObserved(c.sourceId(), c.sha())));
    } else if (event instanceof CommitRejected r) {
      out.add(rejected(envelope, r));
      out.add(statusNotice(envelope, revisions.commitRejected(r.sourceId(), r.sha())));
    }
    // Other events (desired, observed, approvals, notifications) say nothing here.
    return out;
  }

  private void diff(List<Notice> out, EventEnvelope<?> envelope, DiffEvent d) {
    switch (d.state()) {
      case DRIFTED -> {
        health.problem(d.subject(), "drifted", envelope.time());
        out.add(drift(envelope, (DriftDetected) d));
        status(out, envelope, d.sourceId(), d.revision(), d, ResourceState.OUT_OF_SYNC);
      }
      case MISSING -> {
        health.problem(d.subject(), "missing", envelope.time());
        out.add(missing(envelope, (ResourceMissing) d));
        status(out, envelope, d.sourceId(), d.revision(), d, ResourceState.OUT_OF_SYNC);
      }
      case IN_SYNC -> {
        String problem = health.inSync(d.subject(), envelope.time());
        if (problem != null) {
          out.add(converged(envelope, (ResourceInSync) d, problem));
        }
        status(out, envelope, d.sourceId(), d.revision(), d, ResourceState.IN_SYNC);
      }
      case FAILED -> status(out, envelope, d.sourceId(), d.revision(), d, ResourceState.FAILED);
      case EXTRANEOUS, REMOVED -> {
        // A prune candidate or a removal is not a problem of any declared revision.
      }
    }
  }

  private void apply(List<Notice> out, EventEnvelope<?> envelope, ApplyEvent event) {
    if (event instanceof FieldsConflicted c) {
      // Not an outcome: the ApplySucceeded after it moves the revision's status.
      out.add(conflicted(envelope, c));
      return;
    }
    ResourceState state;
    if (event instanceof ApplyStarted a && !a.dryRun()) {
      state = ResourceState.APPLYING;
    } else if (event instanceof ApplySucceeded a && !a.dryRun()) {
      state = ResourceState.APPLYING;
    } else if (event instanceof ApplyFailed f) {
      health.problem(f.subject(), "apply-failed", envelope.time());
      out.add(applyFailed(envelope, f));
      state = f.terminal() ? ResourceState.FAILED : ResourceState.APPLYING;
    } else if (event instanceof ApplySkipped s && s.skippedBy(SkipPolicy.MANUAL_APPROVAL)) {
      out.add(approval(envelope, s));
      state = ResourceState.AWAITING_APPROVAL;
    } else {
      // Dry runs and other skips change no revision's status.
      return;
    }
    status(out, envelope, event.sourceId(), event.desiredRevision(), event, state);
  }

  private void status(
      List<Notice> out,
      EventEnvelope<?> envelope,
      String sourceId,
      String revision,
      ResourceEvent event,
      ResourceState state) {
    if (revision == null || revision.isBlank() || sourceId == null || sourceId.isBlank()) {
      return;
    }
    Instant at = envelope.time();
    out.add(
        statusNotice(envelope, revisions.resource(sourceId, revision, event.subject(), state, at)));
  }

  private static Notice drift(EventEnvelope<?> envelope, DriftDetected d) {
    Map<String, String> v =
        resourceValues(envelope, d.resource(), d.sourceId(), d.desiredRevision());
    v.put("state", "drifted");
    v.put("diff", excerpt(d.diff()));
    v.put("changedPaths", Masking.mask(String.join(", ", d.changedPaths())));
    return notice(
        NoticeKind.DRIFT_DETECTED,
        Severity.WARNING,
        envelope,
        d.resource(),
        d.sourceId(),
        d.desiredRevision(),
        "drifted",
        v);
  }

  private static Notice missing(EventEnvelope<?> envelope, ResourceMissing m) {
    Map<String, String> v =
        resourceValues(envelope, m.resource(), m.sourceId(), m.desiredRevision());
    v.put("state", "missing");
    v.put("diff", "");
    v.put("changedPaths", "the whole resource: it does not exist");
    return notice(
        NoticeKind.DRIFT_DETECTED,
        Severity.WARNING,
        envelope,
        m.resource(),
        m.sourceId(),
        m.desiredRevision(),
        "missing",
        v);
  }

  private static Notice converged(EventEnvelope<?> envelope, ResourceInSync s, String problem) {
    Map<String, String> v =
        resourceValues(envelope, s.resource(), s.sourceId(), s.desiredRevision());
    v.put("state", "in-sync");
    v.put("previousState", problem);
    return notice(
        NoticeKind.CONVERGED,
        Severity.INFO,
        envelope,
        s.resource(),
        s.sourceId(),
        s.desiredRevision(),
        "in-sync",
        v);
  }

  private static Notice applyFailed(EventEnvelope<?> envelope, ApplyFailed f) {
    Map<String, String> v =
        resourceValues(envelope, f.resource(), f.sourceId(), f.desiredRevision());
    String state = "apply-failed:" + f.reason();
    v.put("state", state);
    v.put("reason", Masking.mask(f.reason()));
    v.put("message", Masking.mask(f.message()));
    v.put("attempt", Integer.toString(f.attempt()));
    v.put("terminal", Boolean.toString(f.terminal()));
    v.put("httpStatus", f.httpStatus() == null ? "" : f.httpStatus().toString());
    v.put(
        "retry",
        f.terminal()
            ? "Terminal: the applier will not retry; fix the manifest or the resource."
            : "The applier retries"
                + (f.nextAttemptAt() == null ? "." : " at " + f.nextAttemptAt() + "."));
    return notice(
        NoticeKind.APPLY_FAILED,
        f.terminal() ? Severity.ERROR : Severity.WARNING,
        envelope,
        f.resource(),
        f.sourceId(),
        f.desiredRevision(),
        state,
        v);
  }

  private static Notice approval(EventEnvelope<?> envelope, ApplySkipped s) {
    Map<String, String> v =
        resourceValues(envelope, s.resource(), s.sourceId(), s.desiredRevision());
    v.put("state", "approval-needed");
    v.put("policy", s.policy());
    v.put("detail", Masking.mask(s.detail()));
    return notice(
        NoticeKind.APPROVAL_NEEDED,
        Severity.WARNING,
        envelope,
        s.resource(),
        s.sourceId(),
        s.desiredRevision(),
        "approval-needed:" + s.desiredRevision(),
        v);
  }

  static Notice pruneHeld(EventEnvelope<?> envelope, PruneHeld h) {
    Map<String, String> v = commonValues(envelope, h.sourceId(), h.revision());
    v.put("state", "prune-held");
    v.put("removals", Integer.toString(h.removals()));
    v.put("declaredBefore", Integer.toString(h.declaredBefore()));
    v.put("kind", NoticeKind.PRUNE_HELD.label());
    v.put("severity", Severity.WARNING.label());
    return new Notice(
        NoticeKind.PRUNE_HELD,
        Severity.WARNING,
        h.sourceId(),
        h.sourceId(),
        "",
        h.revision(),
        "prune-held:" + h.revision(),
        v,
        null,
        envelope);
  }

  /**
   * A resource turned Degraded. Health events name no revision: the notice carries none. Its state
   * is {@code degraded}, so a webhook's dedupe window keeps a flapping resource to one delivery.
   */
  static Notice degraded(EventEnvelope<?> envelope, ResourceHealthChanged h) {
    Map<String, String> v = resourceValues(envelope, h.resource(), "", "");
    v.put("state", "degraded");
    v.put("health", h.health().label());
    v.put("previousHealth", h.previous() == null ? "" : h.previous().label());
    v.put("reason", Masking.mask(h.reason()));
    v.put("message", Masking.mask(h.message()));
    return notice(
        NoticeKind.RESOURCE_DEGRADED,
        Severity.ERROR,
        envelope,
        h.resource(),
        "",
        "",
        "degraded",
        v);
  }

  static Notice conflicted(EventEnvelope<?> envelope, FieldsConflicted c) {
    Map<String, String> v =
        resourceValues(envelope, c.resource(), c.sourceId(), c.desiredRevision());
    v.put("state", c.taken() ? "fields-taken" : "fields-left");
    v.put(
        "outcome",
        c.taken()
            ? "took fields another manager owned"
            : "left fields to the manager that owns them (force-conflicts is off)");
    v.put("taken", Boolean.toString(c.taken()));
    v.put("managers", Masking.mask(String.join(", ", c.managers())));
    v.put(
        "fields",
        Masking.mask(
            c.fields().stream()
                .map(f -> f.path() + " (" + f.manager() + ")")
                .collect(Collectors.joining(", "))));
    return notice(
        NoticeKind.FIELDS_CONFLICTED,
        c.taken() ? Severity.INFO : Severity.WARNING,
        envelope,
        c.resource(),
        c.sourceId(),
        c.desiredRevision(),
        (c.taken() ? "fields-taken:" : "fields-left:") + c.desiredRevision(),
        v);
  }

  static Notice rejected(EventEnvelope<?> envelope, CommitRejected r) {
    Map<String, String> v = commonValues(envelope, r.sourceId(), r.sha());
    v.put("state", "rejected");
    v.put("branch", r.branch() == null ? "" : r.branch());
    v.put("lastGoodRevision", r.lastGoodRevision() == null ? "none" : r.lastGoodRevision());
    v.put("author", r.author() == null ? "" : Masking.mask(r.author().toString()));
    v.put(
        "errors",
        r.errors().stream()
            .map(ManifestError::toString)
            .map(Masking::mask)
            .map(line -> "• " + line)
            .collect(Collectors.joining("\n")));
    v.put("errorCount", Integer.toString(r.errors().size()));
    return new Notice(
        NoticeKind.COMMIT_REJECTED,
        Severity.ERROR,
        r.sourceId(),
        r.sourceId(),
        "",
        r.sha(),
        "rejected:" + r.sha(),
        v,
        null,
        envelope);
  }

  private static Notice statusNotice(EventEnvelope<?> envelope, Aggregate a) {
    Map<String, String> v = commonValues(envelope, a.sourceId(), a.revision());
    String state = a.state().name().toLowerCase(Locale.ROOT);
    v.put("state", state);
    v.put("summary", a.summary());
    v.put("resources", Integer.toString(a.resources()));
    v.put("inSync", Integer.toString(a.inSync()));
    v.put("failed", Integer.toString(a.failed()));
    Severity severity = a.state() == CommitState.FAILURE ? Severity.ERROR : Severity.INFO;
    return new Notice(
        NoticeKind.COMMIT_STATUS,
        severity,
        a.sourceId(),
        a.sourceId(),
        "",
        a.revision(),
        state,
        v,
        a.state(),
        envelope);
  }

  private static Notice notice(
      NoticeKind kind,
      Severity severity,
      EventEnvelope<?> envelope,
      ResourceKey resource,
      String sourceId,
      String revision,
      String state,
      Map<String, String> values) {
    values.put("kind", kind.label());
    values.put("severity", severity.label());
    return new Notice(
        kind,
        severity,
        resource.toString(),
        sourceId,
        resource.target(),
        revision,
        state,
        values,
        null,
        envelope);
  }

  static Map<String, String> resourceValues(
      EventEnvelope<?> envelope, ResourceKey resource, String sourceId, String revision) {
    Map<String, String> v = commonValues(envelope, sourceId, revision);
    v.put("resource", resource.toString());
    v.put("shortName", resource.shortName());
    v.put("target", resource.target());
    v.put("namespace", resource.namespace());
    v.put("name", resource.name());
    v.put("resourceKind", resource.kind());
    return v;
  }

  static Map<String, String> commonValues(
      EventEnvelope<?> envelope, String sourceId, String revision) {
    Map<String, String> v = new HashMap<>();
    String rev = revision == null ? "" : revision;
    v.put("source", sourceId == null ? "" : sourceId);
    v.put("revision", rev);
    v.put("shortRevision", rev.length() > 8 ? rev.substring(0, 8) : rev);
    v.put("eventId", envelope.id());
    v.put("eventType", envelope.type().ceType());
    v.put("correlation", envelope.correlation());
    v.put("time", envelope.time().toString());
    v.put("subject", envelope.subject());
    v.put("resource", envelope.subject());
    v.put("shortName", envelope.subject());
    v.put("target", "");
    return v;
  }

  /** The first lines of a diff, masked, cut to {@link #MAX_EXCERPT_CHARS}. */
  static String excerpt(String diff) {
    if (diff == null || diff.isEmpty()) {
      return "";
    }
    String[] lines = Masking.mask(diff).split("\n", -1);
    StringBuilder sb = new StringBuilder();
    int n = 0;
    for (String line : lines) {
      if (n == MAX_EXCERPT_LINES || sb.length() + line.length() + 1 > MAX_EXCERPT_CHARS) {
        sb.append("… (").append(lines.length - n).append(" more lines)");
        return sb.toString();
      }
      sb.append(line).append('\n');
      n++;
    }
    return sb.toString().stripTrailing();
  }
}
