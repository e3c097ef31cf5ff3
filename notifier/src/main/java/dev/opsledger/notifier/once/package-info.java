/**
 * Saying it once: the sent ledger (trigger id + channel, dedupe window, last commit status) and the
 * per-channel token bucket (the retry backoff is service-support's {@code Backoff}).
 *
 * <p>Invariants: pure policies with time from a {@link java.time.Clock} or passed in; no I/O; the
 * ledger is the only mutable shared state and is thread-safe.
 */
package dev.opsledger.notifier.once;
