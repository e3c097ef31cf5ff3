/**
 * Rollback without a commit: which state of which resources a rollback applies, planned from what
 * the log recorded of a source, and which resources a rollback has paused.
 *
 * <p>Role: resolve {@code opsledger rollback SOURCE|RESOURCE --to SHA|TIME} into one step per
 * resource (the manifest the resource had at the target revision), and say what is left as is.
 * Invariants: pure (the log's records and the time are arguments; reading the log is the stream
 * edge's job); revisions are placed by the git-watcher's sequence, never by dates; a resource that
 * the target revision did not declare is left as is, never pruned.
 */
package dev.opsledger.applier.rollback;
