package dev.opsledger.events;

/**
 * What merging a pull request would do to one resource.
 *
 * @param resource the resource
 * @param change added, changed, unchanged, pruned or failed
 * @param detail the readable diff against the live object (changed; Secret values masked), the
 *     reason (failed), or empty
 */
public record PreviewChange(ResourceKey resource, PreviewChangeKind change, String detail) {

  /** Requires a resource and a kind of change. */
  public PreviewChange {
    if (resource == null || change == null) {
      throw new IllegalArgumentException("resource and change are required");
    }
    detail = detail == null ? "" : detail;
  }
}
