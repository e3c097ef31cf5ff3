/**
 * Running it: the engine (event → notices → routes → ledger → queues), one dispatcher per channel
 * (own thread, token bucket, retries with backoff), outcome recording on {@code
 * opsledger.notifications}, and the history read at start.
 *
 * <p>Invariants: a channel that is slow or down holds up only its own queue; every accepted notice
 * ends in exactly one {@code NotificationSent} or {@code NotificationFailed} (or is superseded by a
 * newer commit status); a trigger already notified on a channel, per this process or the log, is
 * never sent again; replaying history sends nothing.
 */
package dev.opsledger.notifier.dispatch;
