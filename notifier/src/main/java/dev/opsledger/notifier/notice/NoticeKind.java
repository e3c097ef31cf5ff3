package dev.opsledger.notifier.notice;

import java.util.Locale;

/** What a notice is about; the name routes and templates use. */
public enum NoticeKind {
  /**
   * A resource differs from Git ({@code DriftDetected}) or is missing ({@code ResourceMissing}).
   */
  DRIFT_DETECTED,
  /**
   * A resource that had a problem is in sync again ({@code ResourceInSync} after one); in chat: a
   * drift that outlived its hold ended, or a persistent failure resolved.
   */
  CONVERGED,
  /** An apply attempt failed ({@code ApplyFailed}), retrying or terminal. */
  APPLY_FAILED,
  /** A commit was refused whole ({@code CommitRejected}). */
  COMMIT_REJECTED,
  /**
   * A change waits for a manual sync ({@code ApplySkipped} with policy {@code manual-approval}).
   */
  APPROVAL_NEEDED,
  /** The aggregated state of a revision across its resources, for commit statuses. */
  COMMIT_STATUS,
  /**
   * A revision would delete more than half of its source, or all of it, and its prunes wait for an
   * approval ({@code PruneHeld}).
   */
  PRUNE_HELD,
  /**
   * An apply met fields another field manager owned, and took them or left them alone ({@code
   * FieldsConflicted}). Sent only where a route names it: with force, every apply an autoscaler
   * raced would be a message.
   */
  FIELDS_CONFLICTED,
  /**
   * A live resource turned {@code Degraded} ({@code ResourceHealthChanged}): a failed rollout, a
   * failed Job, a lost claim, a {@code Ready} condition that is {@code False}. Told at once, in
   * chat and to webhooks, once per change of health.
   */
  RESOURCE_DEGRADED,
  /**
   * One chat message per commit when it settles (in sync, failed, waiting for approval): author,
   * counts, the first diffs, time to converge.
   */
  COMMIT_SETTLED,
  /** Chat notices over a channel's storm limit, folded into one message with counts. */
  NOTICES_FOLDED;

  /**
   * Whether notices of this kind go out without a route naming them: with no routes configured, or
   * through a route that lists no events.
   */
  public boolean routedByDefault() {
    return this != FIELDS_CONFLICTED;
  }

  /** The configuration name, e.g. {@code drift-detected}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /**
   * The kind with this configuration name ({@code drift-detected}) or constant name.
   *
   * @throws IllegalArgumentException for an unknown name
   */
  public static NoticeKind parse(String text) {
    String normal = text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    return NoticeKind.valueOf(normal);
  }
}
