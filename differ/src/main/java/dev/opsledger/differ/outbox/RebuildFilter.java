package dev.opsledger.differ.outbox;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What makes a rebuild silent. When the outbox starts without a token (its database is new or was
 * lost), the aggregates are re-created from {@code opsledger.desired} and {@code
 * opsledger.observed}, and their state changes would be published again. This filter drops:
 *
 * <ul>
 *   <li>every change recorded before the inputs caught up ({@code position <= head}) that is not
 *       the resource's latest one — the intermediate states of the replay;
 *   <li>every change whose (state, fingerprint) equals what was last published for the resource
 *       (read from the tail of {@code opsledger.diffs}, then updated on each publication).
 * </ul>
 */
public final class RebuildFilter {

  private final Map<String, PublishedState> lastPublished;
  private final long head;

  /**
   * Creates the filter.
   *
   * @param lastPublished what was last published per resource key
   * @param head the event store's head position when the inputs caught up
   */
  public RebuildFilter(Map<String, PublishedState> lastPublished, long head) {
    this.lastPublished = new ConcurrentHashMap<>(lastPublished);
    this.head = head;
  }

  /**
   * Whether to publish a change.
   *
   * @param resource the resource key
   * @param state what the change says
   * @param position the change's position in the event store
   * @param latest whether it is the resource's latest change
   */
  public boolean shouldPublish(
      String resource, PublishedState state, long position, boolean latest) {
    if (position <= head && !latest) {
      return false;
    }
    return !state.equals(lastPublished.get(resource));
  }

  /** Remembers a publication. */
  public void published(String resource, PublishedState state) {
    lastPublished.put(resource, state);
  }
}
