package dev.opsledger.events;

import java.time.Instant;

/**
 * A notification was not sent on its own because its channel was over its storm limit: it was
 * folded into one summary message with counts. Recorded so that audit shows what was and was not
 * sent, and so that a restarted notifier does not send it later.
 *
 * @param subject the resource key text or source id the notification is about
 * @param channel the configured channel name
 * @param channelType {@code slack}, {@code github-status}, {@code gitlab-status}, {@code webhook}
 * @param triggerEventId the {@code ce_id} of the event that caused the notification
 * @param triggerType the {@code ce_type} of that event
 * @param dedupeKey the key under which repeats are suppressed
 * @param noticeKind what the notification was about, e.g. {@code drift-detected}
 * @param foldedAt when it was folded
 */
public record NotificationFolded(
    String subject,
    String channel,
    String channelType,
    String triggerEventId,
    String triggerType,
    String dedupeKey,
    String noticeKind,
    Instant foldedAt)
    implements OpsLedgerEvent {

  /** Checks the required fields. */
  public NotificationFolded {
    Require.text("subject", subject);
    Require.text("channel", channel);
    Require.text("triggerEventId", triggerEventId);
    Require.present("foldedAt", foldedAt);
  }
}
