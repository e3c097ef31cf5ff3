/**
 * The Git edge: JGit clones (a bare repository per source in the cache directory), fetches,
 * first-parent commit plans, tree walks that feed {@link
 * dev.opsledger.gitwatcher.manifest.RevisionScan}, and credentials.
 *
 * <p>Invariants: the cache is only a cache (deleting it costs a clone, never a gap: the checkpoint
 * is on Kafka); a fetch force-updates the tracked branch, so the remote's head is always the truth;
 * blobs are read one at a time from the tree walk, never the whole repository at once; failures to
 * reach or read the repository are {@link dev.opsledger.gitwatcher.git.GitAccessException}s
 * (transient, retried at the next poll).
 */
package dev.opsledger.gitwatcher.git;
