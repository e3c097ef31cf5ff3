/**
 * The watch loop of each source: read the checkpoint from {@code opsledger.commits}, fetch, plan
 * the new commits, validate each revision and publish its events, and the scheduler that runs it on
 * a poll interval or on demand (webhooks).
 *
 * <p>Invariants:
 *
 * <ul>
 *   <li>The log is the checkpoint: a commit counts as recorded when its {@code CommitObserved} is
 *       acknowledged, and it is written only after every desired event of its revision was
 *       acknowledged, so a restart never skips a revision's desired events.
 *   <li>Event ids are derived from (source, commit, rewrite, event type, resource): re-processing a
 *       revision after a crash writes the same ids, which consumers deduplicate.
 *   <li>At most one cycle per source runs at a time, with at most one more queued.
 * </ul>
 */
package dev.opsledger.gitwatcher.watch;
