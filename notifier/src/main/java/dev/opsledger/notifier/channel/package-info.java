/**
 * The HTTP edge: Slack incoming webhooks (Block Kit), GitHub and GitLab commit statuses, and
 * generic webhooks in the CloudEvents HTTP binding signed with HMAC-SHA256.
 *
 * <p>Invariants: webhook URLs, tokens and signing secrets are {@link
 * dev.opsledger.notifier.channel.SecretValue}s that print as {@code ***} and never appear in an
 * error message (URLs are cut to scheme and host); a failed attempt is either {@link
 * dev.opsledger.notifier.channel.DeliveryException.Retryable} or {@link
 * dev.opsledger.notifier.channel.DeliveryException.Terminal}; payload builders are pure.
 */
package dev.opsledger.notifier.channel;
