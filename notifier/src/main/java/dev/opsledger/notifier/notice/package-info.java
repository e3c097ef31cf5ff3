/**
 * What to say: events become channel-neutral notices (drift, converged, apply failed, commit
 * rejected, approval needed, commit status).
 *
 * <p>Invariants: pure, no I/O and no clients; every value a notice carries is masked (no sealed or
 * hashed Secret value); trackers move forward in event time only, so replaying the same history
 * gives the same state.
 */
package dev.opsledger.notifier.notice;
