package dev.opsledger.gitwatcher.webhook;

import dev.opsledger.gitwatcher.watch.PreviewRequests;

/**
 * Where a verified webhook's request for a fetch goes: this replica's scheduler, or, on a standby,
 * the replica that holds the git-watcher's lease (see {@code GitWatcherService}).
 */
@FunctionalInterface
public interface FetchTrigger {

  /**
   * Asks for a fetch of a source.
   *
   * @param sourceId the source
   * @param change a pull request's news for the source's previews, or null for a push
   * @return true when the request was taken (a fetch runs or is queued, here or on the active
   *     replica)
   */
  boolean trigger(String sourceId, PreviewRequests.Change change);
}
