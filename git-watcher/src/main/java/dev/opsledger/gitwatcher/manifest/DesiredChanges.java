package dev.opsledger.gitwatcher.manifest;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What changed between two accepted revisions: resources added or whose content hash differs, and
 * resources no longer declared. A resource that only moved to another file is unchanged.
 *
 * @param changed added or changed resources, entries of the new revision, by file and line
 * @param removed resources gone, entries of the previous revision, by key
 */
public record DesiredChanges(List<RevisionIndex.Entry> changed, List<RevisionIndex.Entry> removed) {

  /** Compares a previous and a next index. */
  public static DesiredChanges between(RevisionIndex previous, RevisionIndex next) {
    List<RevisionIndex.Entry> changed = new ArrayList<>();
    for (RevisionIndex.Entry e : next.resources().values()) {
      RevisionIndex.Entry before = previous.resources().get(e.key());
      if (before == null || !before.contentHash().equals(e.contentHash())) {
        changed.add(e);
      }
    }
    List<RevisionIndex.Entry> removed = new ArrayList<>();
    for (RevisionIndex.Entry e : previous.resources().values()) {
      if (!next.resources().containsKey(e.key())) {
        removed.add(e);
      }
    }
    changed.sort(
        Comparator.comparing(RevisionIndex.Entry::path)
            .thenComparingInt(RevisionIndex.Entry::line));
    removed.sort(Comparator.comparing(e -> e.key().toString()));
    return new DesiredChanges(List.copyOf(changed), List.copyOf(removed));
  }

  /** True when nothing changed. */
  public boolean isEmpty() {
    return changed.isEmpty() && removed.isEmpty();
  }
}
