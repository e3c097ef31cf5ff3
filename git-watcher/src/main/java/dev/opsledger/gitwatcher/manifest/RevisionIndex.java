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
   * @param declares the scopes its CustomResourceDefinitions declare
   */
  public record FileEntry(String blobId, List<Entry> entries, DeclaredScopes declares) {}

  private static final RevisionIndex EMPTY =
      new RevisionIndex(Map.of(), Map.of(), DeclaredScopes.NONE);

  private final Map<String, FileEntry> files;
  private final Map<ResourceKey, Entry> resources;
  private final DeclaredScopes declaredScopes;

  RevisionIndex(
      Map<String, FileEntry> files,
      Map<ResourceKey, Entry> resources,
      DeclaredScopes declaredScopes) {
    this.files = Collections.unmodifiableMap(files);
    this.resources = Collections.unmodifiableMap(resources);
    this.declaredScopes = declaredScopes;
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

  /**
   * The scopes the revision's CustomResourceDefinitions declare: its keys were built with them, and
   * its files must be read again with them to get the same resources.
   */
  public DeclaredScopes declaredScopes() {
    return declaredScopes;
  }

  /** The number of resources. */
  public int size() {
    return resources.size();
  }
}
