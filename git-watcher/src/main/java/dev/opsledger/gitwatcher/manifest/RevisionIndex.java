package dev.opsledger.gitwatcher.manifest;

import dev.opsledger.events.ResourceKey;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * What an accepted revision declares, in the least memory that still lets the next revision be
 * compared with it: per file its blob id and per resource its file, line and content hash. No
 * manifest is kept.
 */
public final class RevisionIndex {

  /**
   * One resource of the revision.
   *
   * @param key the resource
   * @param path the file that declares it
   * @param line the line of its document
   * @param contentHash its content hash (Secret values fingerprinted)
   */
  public record Entry(ResourceKey key, String path, int line, String contentHash) {}

  /**
   * One manifest file of the revision.
   *
   * @param blobId the Git blob id: an unchanged blob is not read again
   * @param entries the resources it declares
   */
  public record FileEntry(String blobId, List<Entry> entries) {}

  private static final RevisionIndex EMPTY = new RevisionIndex(Map.of(), Map.of());

  private final Map<String, FileEntry> files;
  private final Map<ResourceKey, Entry> resources;

  RevisionIndex(Map<String, FileEntry> files, Map<ResourceKey, Entry> resources) {
    this.files = Collections.unmodifiableMap(files);
    this.resources = Collections.unmodifiableMap(resources);
  }

  /** The index of a source that has no accepted revision yet. */
  public static RevisionIndex empty() {
    return EMPTY;
  }

  /** The file at {@code path}, or {@code null}. */
  public FileEntry file(String path) {
    return files.get(path);
  }

  /** Every resource by key. */
  public Map<ResourceKey, Entry> resources() {
    return resources;
  }

  /** The number of resources. */
  public int size() {
    return resources.size();
  }
}
