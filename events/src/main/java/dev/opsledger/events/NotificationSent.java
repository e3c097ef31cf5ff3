package dev.opsledger.events;

import java.time.Instant;

/**
 * A notification was delivered to a channel.
 *
 * @param subject the resource key text or source id the notification is about
 * @param channel the configured channel name
 * @param channelType {@code slack}, {@code github-status}, {@code gitlab-status}, {@code webhook}
 * @param triggerEventId the {@code ce_id} of the event that caused the notification
 * @param triggerType the {@code ce_type} of that event
 * @param dedupeKey the key under which repeats are suppressed
 * @param attempts how many attempts delivery took
 * @param sentAt when the channel accepted it
 */
public record NotificationSent(
    String subject,
    String channel,
    String channelType,
    String triggerEventId,
    String triggerType,
    String dedupeKey,
    int attempts,
    Instant sentAt)
    implements OpsLedgerEvent {

  /** Checks the required fields. */
  public NotificationSent {
    Require.text("subject", subject);
    Require.text("channel", channel);
    Require.text("triggerEventId", triggerEventId);
    Require.present("sentAt", sentAt);
  }
}
