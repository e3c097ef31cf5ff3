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
 * @param removal when the newest revision removed the resource, how much of the source that
 *     revision removes, or {@code null} (not removed, or a removal recorded before the counts)
 */
public record DesiredView(
    String sourceId,
    String newestRevision,
    ObjectNode manifest,
    boolean removed,
    String lastApplied,
    Map<String, Long> order,
    RemovalCounts removal) {

  /**
   * How much of its source a revision removes, as the git-watcher counted it.
   *
   * @param removals resources of the source the revision removes
   * @param declaredBefore resources the source declared before it
   */
  public record RemovalCounts(int removals, int declaredBefore) {

    /** More than half of the source, or all of it. */
    public boolean massDelete() {
      return removals > 0 && (2L * removals > declaredBefore || removals >= declaredBefore);
    }
  }

  /** A view without removal counts. */
  public DesiredView(
      String sourceId,
      String newestRevision,
      ObjectNode manifest,
      boolean removed,
      String lastApplied,
      Map<String, Long> order) {
    this(sourceId, newestRevision, manifest, removed, lastApplied, order, null);
  }

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
