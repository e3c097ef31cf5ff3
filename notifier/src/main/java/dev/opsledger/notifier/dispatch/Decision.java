package dev.opsledger.notifier.dispatch;

import dev.opsledger.notifier.notice.Notice;

/**
 * What the notifier decided for one notice on one channel.
 *
 * <p>Every decision is about {@link #channel()} and {@link #notice()}.
 */
public sealed interface Decision {

  /** The channel's name. */
  String channel();

  /** The notice. */
  Notice notice();

  /**
   * Handed to the channel's queue; a {@code NotificationSent} or {@code NotificationFailed}
   * follows.
   */
  record Queued(String channel, Notice notice) implements Decision {}

  /** This trigger was already notified on this channel (redelivery, restart, reset group). */
  record AlreadyNotified(String channel, Notice notice) implements Decision {}

  /** The same subject and state was notified within the window, or the state did not change. */
  record Deduplicated(String channel, Notice notice) implements Decision {}

  /**
   * Over the channel's storm limit: folded into a summary, recorded as {@code NotificationFolded}.
   */
  record Folded(String channel, Notice notice) implements Decision {}

  /** The trigger is older than the maximum event age: recorded as skipped, never sent. */
  record TooOld(String channel, Notice notice) implements Decision {}
}
