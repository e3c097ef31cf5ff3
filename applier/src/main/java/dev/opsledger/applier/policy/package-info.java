/**
 * Sync policy: per source from configuration, overridden per resource by {@code opsledger.dev/*}
 * annotations.
 *
 * <p>Role: decide auto-sync or manual approval, prune, self-heal, dry-run, force-conflicts and
 * detect-only for one resource. Invariants: pure (no I/O, no clients); an unknown annotation value
 * never changes the source's setting.
 */
package dev.opsledger.applier.policy;
