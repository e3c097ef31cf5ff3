package dev.opsledger.applier.engine;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * What the applier knows about one resource's desired state, at one moment.
 *
 * @param sourceId the source of the newest declaration
 * @param newestRevision the newest revision seen on {@code opsledger.desired} (a change or a
 *     removal)
 * @param manifest the newest declared manifest (kept after a removal, for its annotations), Secret
 *     values sealed
 * @param removed whether the newest revision removed the resource
 * @param lastApplied the revision last applied successfully (not in a dry run), or {@code null}
 * @param order every revision seen, with its position in the resource's history (its sequence, see
 *     {@link DesiredBook})
 */
public record DesiredView(
    String sourceId,
    String newestRevision,
    ObjectNode manifest,
    boolean removed,
    String lastApplied,
    Map<String, Long> order) {

  /** Whether the revision was seen on {@code opsledger.desired}. */
  public boolean knows(String revision) {
    return revision != null && order.containsKey(revision);
  }

  /** Whether a known revision is older than the newest one. */
  public boolean isOlder(String revision) {
    Long position = order.get(revision);
    Long newest = order.get(newestRevision);
    return position != null && newest != null && position < newest;
  }
}
