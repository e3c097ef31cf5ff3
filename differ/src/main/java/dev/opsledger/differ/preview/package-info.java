/**
 * Pull request previews: what merging a request would do to the live system. {@code PreviewDiffs}
 * is pure (a rendered request and a view of the live state in, a {@code PreviewDiffed} out, with
 * the engine and ignore rules the aggregate uses); {@code LiveStates} reads the live object the
 * aggregate last recorded, read-only.
 *
 * <p>Invariant: a preview never records anything in the reconciliation state. It sends no command,
 * appends no event to the event store and writes nothing to {@code opsledger.diffs}: its only
 * output is a {@code PreviewDiffed} on {@code opsledger.previews}.
 */
package dev.opsledger.differ.preview;
