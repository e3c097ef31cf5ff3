package dev.opsledger.notifier.notice;

import dev.opsledger.events.ApplyFailed;
import dev.opsledger.events.CommitObserved;
import dev.opsledger.events.CommitRejected;
import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.FieldsConflicted;
import dev.opsledger.events.PruneHeld;
import dev.opsledger.events.ResourceHealthChanged;
import dev.opsledger.events.ResourceKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Builds the chat notices of {@link Digest}; every value masked. */
final class DigestNotices {

  /** A settled commit's counts. */
  static final class Counts {
    int created;
    int changed;
    int pruned;
    int unchanged;
    int failed;
    int waiting;
    int left;
    int pending;

    int total() {
      return created + changed + pruned + unchanged + failed + waiting + left + pending;
    }

    String line() {
      StringBuilder s = new StringBuilder();
      s.append("created ").append(created);
      s.append(" · changed ").append(changed);
      s.append(" · pruned ").append(pruned);
      s.append(" · failed ").append(failed);
      if (unchanged > 0) {
        s.append(" · unchanged ").append(unchanged);
      }
      if (waiting > 0) {
        s.append(" · waiting for approval ").append(waiting);
      }
      if (left > 0) {
        s.append(" · left as is ").append(left);
      }
      if (pending > 0) {
        s.append(" · not settled ").append(pending);
      }
      return s.toString();
    }
  }

  private DigestNotices() {}

  static Notice rejected(EventEnvelope<?> envelope, CommitRejected r) {
    return chat(Notices.rejected(envelope, r), envelope.id(), Audience.CHAT, null);
  }

  /** A revision's prunes wait for an approval: a chat alert at once, once per revision. */
  static Notice pruneHeld(EventEnvelope<?> envelope, PruneHeld h) {
    return chat(Notices.pruneHeld(envelope, h), envelope.id(), Audience.CHAT, null);
  }

  /** A resource turned Degraded: a chat alert at once, once per health change. */
  static Notice degraded(EventEnvelope<?> envelope, ResourceHealthChanged h) {
    return chat(Notices.degraded(envelope, h), envelope.id(), Audience.CHAT, null);
  }

  /** A field conflict: a chat alert where a route names {@code fields-conflicted}. */
  static Notice conflicted(EventEnvelope<?> envelope, FieldsConflicted c) {
    return chat(Notices.conflicted(envelope, c), envelope.id(), Audience.CHAT, null);
  }

  static Notice settled(
      EventEnvelope<?> trigger,
      CommitObserved commit,
      String sourceId,
      String sha,
      Counts n,
      Duration converged,
      boolean timedOut,
      List<String> details,
      List<String> diffs) {
    Map<String, String> v = Notices.commonValues(trigger, sourceId, sha);
    String outcome;
    Severity severity;
    String state;
    if (n.failed > 0) {
      outcome = "Failed";
      severity = Severity.ERROR;
      state = "failed";
    } else if (timedOut) {
      outcome = "Not settled";
      severity = Severity.WARNING;
      state = "not-settled";
    } else if (n.waiting > 0) {
      outcome = "Waiting for approval";
      severity = Severity.WARNING;
      state = "waiting-for-approval";
    } else if (n.left > 0) {
      outcome = "Partly applied";
      severity = Severity.WARNING;
      state = "left-as-is";
    } else {
      outcome = "In sync";
      severity = Severity.INFO;
      state = "in-sync";
    }
    String shortSha = v.get("shortRevision");
    v.put("kind", NoticeKind.COMMIT_SETTLED.label());
    v.put("severity", severity.label());
    v.put("state", state);
    v.put("outcome", outcome);
    v.put("resource", "");
    v.put("shortName", sourceId);
    v.put("message", commit == null ? "" : Masking.mask(firstLine(commit.message())));
    v.put(
        "author",
        commit == null || commit.author() == null ? "" : Masking.mask(commit.author().name()));
    v.put(
        "pullRequest",
        commit == null || commit.pullRequest() == null
            ? ""
            : " in #" + commit.pullRequest().number() + " " + commit.pullRequest().url());
    v.put("resources", Integer.toString(n.total()));
    v.put("created", Integer.toString(n.created));
    v.put("changed", Integer.toString(n.changed));
    v.put("pruned", Integer.toString(n.pruned));
    v.put("failed", Integer.toString(n.failed));
    v.put("unchanged", Integer.toString(n.unchanged));
    v.put("waiting", Integer.toString(n.waiting));
    v.put("counts", n.line());
    String took = Durations.human(converged);
    v.put("convergeTime", took);
    v.put(
        "convergedIn",
        switch (state) {
          case "in-sync" -> "converged in " + took;
          case "not-settled" -> "not settled after " + took;
          default -> "settled in " + took;
        });
    v.put("details", Masking.mask(details.isEmpty() ? "" : String.join("\n", details) + "\n"));
    v.put("diffs", Masking.mask(diffs.isEmpty() ? "" : String.join("\n", diffs) + "\n"));
    v.put("timeline", "opsledger audit timeline " + shortSha);
    return new Notice(
        NoticeKind.COMMIT_SETTLED,
        severity,
        sourceId,
        sourceId,
        "",
        sha,
        "settled:" + sha,
        v,
        null,
        trigger,
        trigger.id(),
        Audience.CHAT,
        null);
  }

  static Notice drift(
      EventEnvelope<?> trigger,
      ResourceKey key,
      String sourceId,
      String revision,
      String diff,
      String outcome,
      Audience audience,
      String updates) {
    Map<String, String> v = Notices.resourceValues(trigger, key, sourceId, revision);
    boolean open = outcome.contains("not healed") || outcome.contains("left in place");
    v.put("kind", NoticeKind.DRIFT_DETECTED.label());
    Severity severity = open ? Severity.WARNING : Severity.INFO;
    v.put("severity", severity.label());
    v.put("state", open ? "drifted" : "healed");
    v.put("diff", Notices.excerpt(diff));
    v.put("changedPaths", Masking.mask(outcome));
    v.put("outcome", Masking.mask(outcome));
    v.put("headline", open ? "still drifted" : "healed");
    return new Notice(
        NoticeKind.DRIFT_DETECTED,
        severity,
        key.toString(),
        sourceId,
        key.target(),
        revision,
        open ? "drifted" : "healed",
        v,
        null,
        trigger,
        trigger.id(),
        audience,
        updates);
  }

  static Notice driftEnded(
      EventEnvelope<?> healer, ResourceKey key, String sourceId, String revision, String outcome) {
    Map<String, String> v = Notices.resourceValues(healer, key, sourceId, revision);
    v.put("kind", NoticeKind.CONVERGED.label());
    v.put("severity", Severity.INFO.label());
    v.put("state", "in-sync");
    v.put("previousState", "drifted");
    v.put("outcome", Masking.mask(outcome));
    return new Notice(
        NoticeKind.CONVERGED,
        Severity.INFO,
        key.toString(),
        sourceId,
        key.target(),
        revision,
        "in-sync",
        v,
        null,
        healer,
        healer.id(),
        Audience.CHAT_HELD,
        null);
  }

  static Notice failing(
      EventEnvelope<?> first,
      ApplyFailed last,
      ResourceKey key,
      String sourceId,
      int attempts,
      Instant since) {
    Map<String, String> v =
        Notices.resourceValues(first, key, sourceId, last == null ? "" : last.desiredRevision());
    Severity severity = last != null && last.terminal() ? Severity.ERROR : Severity.WARNING;
    v.put("kind", NoticeKind.APPLY_FAILED.label());
    v.put("severity", severity.label());
    v.put("state", "apply-failing");
    v.put("reason", last == null ? "" : Masking.mask(last.reason()));
    v.put("message", last == null ? "" : Masking.mask(last.message()));
    v.put("attempt", Integer.toString(attempts));
    v.put("terminal", Boolean.toString(last != null && last.terminal()));
    v.put(
        "httpStatus",
        last == null || last.httpStatus() == null ? "" : last.httpStatus().toString());
    v.put("since", since.toString());
    v.put(
        "retry",
        last != null && last.terminal()
            ? "Terminal: the applier will not retry; fix the manifest or the resource."
            : "The applier keeps retrying; one more message says when it is resolved.");
    return new Notice(
        NoticeKind.APPLY_FAILED,
        severity,
        key.toString(),
        sourceId,
        key.target(),
        v.get("revision"),
        "apply-failing",
        v,
        null,
        first,
        first.id(),
        Audience.CHAT,
        null);
  }

  static Notice resolved(
      EventEnvelope<?> resolver, ResourceKey key, String sourceId, Duration took, int attempts) {
    Map<String, String> v = Notices.resourceValues(resolver, key, sourceId, "");
    v.put("kind", NoticeKind.CONVERGED.label());
    v.put("severity", Severity.INFO.label());
    v.put("state", "in-sync");
    v.put("previousState", "apply-failed");
    v.put(
        "outcome",
        "is in sync again: the apply failure is resolved after "
            + Durations.human(took)
            + " and "
            + attempts
            + " failed attempt(s)");
    return new Notice(
        NoticeKind.CONVERGED,
        Severity.INFO,
        key.toString(),
        sourceId,
        key.target(),
        "",
        "in-sync",
        v,
        null,
        resolver,
        resolver.id(),
        Audience.CHAT,
        null);
  }

  private static Notice chat(Notice n, String id, Audience audience, String updates) {
    return new Notice(
        n.kind(),
        n.severity(),
        n.subject(),
        n.sourceId(),
        n.target(),
        n.revision(),
        n.state(),
        n.values(),
        n.commitState(),
        n.trigger(),
        id,
        audience,
        updates);
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int nl = message.indexOf('\n');
    return (nl < 0 ? message : message.substring(0, nl)).strip();
  }
}
