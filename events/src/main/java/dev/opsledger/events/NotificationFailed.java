package dev.opsledger.events;

import java.time.Instant;

/**
 * A notification could not be delivered after every retry.
 *
 * @param subject the resource key text or source id the notification is about
 * @param channel the configured channel name
 * @param channelType the channel type, as in {@link NotificationSent}
 * @param triggerEventId the {@code ce_id} of the event that caused the notification
 * @param triggerType the {@code ce_type} of that event
 * @param reason the last error, secrets removed
 * @param attempts how many attempts were made
 * @param failedAt when the notifier gave up
 */
public record NotificationFailed(
    String subject,
    String channel,
    String channelType,
    String triggerEventId,
    String triggerType,
    String reason,
    int attempts,
    Instant failedAt)
    implements OpsLedgerEvent {

  /** Checks the required fields. */
  public NotificationFailed {
    Require.text("subject", subject);
    Require.text("channel", channel);
    Require.text("triggerEventId", triggerEventId);
    Require.text("reason", reason);
    Require.present("failedAt", failedAt);
  }
}
