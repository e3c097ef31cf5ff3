/**
 * Sync policy: per source from configuration, overridden per resource by {@code opsledger.dev/*}
 * annotations.
 *
 * <p>Role: decide auto-sync or manual approval, prune, self-heal, dry-run, force-conflicts and
 * detect-only for one resource, and whether a source's sync windows let a write through at a given
 * time. Invariants: pure (no I/O, no clients, no clock: the time is an argument; cron schedules are
 * parsed at the edge); an unknown annotation value never changes the source's setting.
 */
package dev.opsledger.applier.policy;
