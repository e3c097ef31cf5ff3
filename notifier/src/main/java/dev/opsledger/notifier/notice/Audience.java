package dev.opsledger.notifier.notice;

/**
 * Who a notice is written for, which decides the channels it may go to.
 *
 * <p>Machines (webhooks, commit statuses) get one notice per event; people (chat) get one message
 * per change: a commit's summary when it settles, a drift together with its outcome.
 */
public enum Audience {
  /** One notice per event: webhooks and commit statuses. */
  EVENTS,
  /** A chat message for every chat channel. */
  CHAT,
  /**
   * A chat message for a channel that cannot edit what it posted (a Slack incoming webhook): sent
   * once the outcome is known, or when the hold is over.
   */
  CHAT_HELD,
  /**
   * A chat message for a channel that can edit what it posted (a Slack bot token): posted at once,
   * then updated in place.
   */
  CHAT_LIVE
}
