package dev.opsledger.gitwatcher.manifest;

import dev.opsledger.events.ManifestError;
import dev.opsledger.events.ResourceKey;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Validates one revision file by file, as the Git edge walks its tree, and decides at the end
 * whether it is accepted. Files whose blob is unchanged since the previous accepted revision are
 * not read again. Not thread-safe: one scan per revision.
 *
 * <p>Keys depend on the scopes the revision's CustomResourceDefinitions declare, which are known
 * only once every file is read. Files are therefore read with the previous revision's declared
 * scopes (CRDs rarely change), and at the end the files with a resource whose scope the revision
 * declares otherwise are read once more ({@link BlobReader}).
 */
public final class RevisionScan {

  /** Reads a blob's bytes when the scan needs them. */
  @FunctionalInterface
  public interface BlobContent {
    /** The bytes; an {@link IOException} is a transient failure of the repository. */
    byte[] read() throws IOException;
  }

  /** Reads a blob of the revision again by its id, after the walk over its tree. */
  @FunctionalInterface
  public interface BlobReader {
    /** The bytes of {@code blobId}; a failure to read is a runtime exception (transient). */
    byte[] read(String blobId);
  }

  private final ManifestPipeline pipeline;
  private final RevisionIndex previous;
  private final long maxFileBytes;
  private final BlobReader blobs;
  private final TreeMap<String, RevisionIndex.FileEntry> files = new TreeMap<>();
  private final Map<String, List<ManifestError>> warnings = new HashMap<>();
  private final List<ManifestError> errors = new ArrayList<>();

  /**
   * A scan of one revision.
   *
   * @param pipeline the source's manifest pipeline
   * @param previous the last accepted revision (for reuse of unchanged blobs)
   * @param maxFileBytes the size cap of a manifest file
   * @param blobs reads a blob again when the revision's CRDs change a scope
   */
  public RevisionScan(
      ManifestPipeline pipeline, RevisionIndex previous, long maxFileBytes, BlobReader blobs) {
    this.pipeline = pipeline;
    this.previous = previous;
    this.maxFileBytes = maxFileBytes;
    this.blobs = blobs;
  }

  /**
   * One manifest file of the revision.
   *
   * @param path its path in the repository
   * @param blobId its blob id
   * @param size its size in bytes
   * @param content reads it
   * @throws IOException when the blob cannot be read (transient)
   */
  public void file(String path, String blobId, long size, BlobContent content) throws IOException {
    RevisionIndex.FileEntry known = previous.file(path);
    if (known != null && known.blobId().equals(blobId)) {
      files.put(path, known);
      return;
    }
    if (size > maxFileBytes) {
      errors.add(
          new ManifestError(
              path, 0, "file is " + size + " bytes, over the limit of " + maxFileBytes + " bytes"));
      return;
    }
    read(path, blobId, content.read(), previous.declaredScopes());
  }

  /** A problem the Git edge found itself (e.g. a symlink leaving the repository). */
  public void error(String path, int line, String reason) {
    errors.add(new ManifestError(path, line, reason));
  }

  /** The outcome: the whole revision accepted, or every error. */
  public RevisionOutcome finish() {
    DeclaredScopes declared = settleScopes();
    Map<ResourceKey, RevisionIndex.Entry> resources = new HashMap<>();
    for (RevisionIndex.FileEntry f : files.values()) {
      for (RevisionIndex.Entry e : f.entries()) {
        RevisionIndex.Entry first = resources.putIfAbsent(e.key(), e);
        if (first != null) {
          errors.add(
              new ManifestError(
                  e.path(),
                  e.line(),
                  e.key().kind()
                      + " "
                      + e.key().shortName()
                      + " is declared twice: also at "
                      + first.path()
                      + ":"
                      + first.line()));
        }
      }
    }
    if (!errors.isEmpty()) {
      return new RevisionOutcome.Rejected(sorted(errors));
    }
    List<ManifestError> ignored = new ArrayList<>();
    warnings.values().forEach(ignored::addAll);
    return new RevisionOutcome.Accepted(
        new RevisionIndex(new HashMap<>(files), resources, declared), sorted(ignored));
  }

  /**
   * The scopes the revision declares; files read with other scopes for one of their resources are
   * read again with these. Reading a file again cannot change what it declares (a CRD's scope does
   * not depend on any other), so once is enough.
   */
  private DeclaredScopes settleScopes() {
    List<DeclaredScopes> parts = files.values().stream().map(f -> f.declares()).toList();
    for (String kind : DeclaredScopes.conflicts(parts)) {
      errors.add(
          new ManifestError(
              "",
              0,
              "CustomResourceDefinitions declare " + kind + " both Cluster and Namespaced scoped"));
    }
    DeclaredScopes declared = DeclaredScopes.union(parts);
    if (!errors.isEmpty() || declared.equals(previous.declaredScopes())) {
      return declared;
    }
    for (var file : List.copyOf(files.entrySet())) {
      if (!agrees(file.getValue().entries(), declared)) {
        String blobId = file.getValue().blobId();
        read(file.getKey(), blobId, blobs.read(blobId), declared);
      }
    }
    return declared;
  }

  /** Whether every key of a file was built with the scope its kind has under {@code declared}. */
  private boolean agrees(Collection<RevisionIndex.Entry> entries, DeclaredScopes declared) {
    for (RevisionIndex.Entry e : entries) {
      ResourceKey k = e.key();
      if (k.namespace().isEmpty()
          != pipeline.scopes().clusterScoped(k.apiGroup(), k.kind(), declared)) {
        return false;
      }
    }
    return true;
  }

  /** Reads one file with the given declared scopes, replacing what an earlier read found. */
  private void read(String path, String blobId, byte[] bytes, DeclaredScopes declared) {
    warnings.remove(path);
    ManifestPipeline.FileResult result = pipeline.process(path, bytes, declared);
    if (!result.errors().isEmpty()) {
      files.remove(path);
      errors.addAll(result.errors());
      return;
    }
    if (!result.warnings().isEmpty()) {
      warnings.put(path, result.warnings());
    }
    List<RevisionIndex.Entry> entries = new ArrayList<>(result.resources().size());
    for (ManifestPipeline.Resource r : result.resources()) {
      try {
        long bytesOfJson = pipeline.encodedSize(r.manifest());
        if (bytesOfJson > ManifestPipeline.MAX_MANIFEST_BYTES) {
          errors.add(
              new ManifestError(
                  path,
                  r.line(),
                  "the resource is "
                      + bytesOfJson
                      + " bytes as JSON, over the limit of "
                      + ManifestPipeline.MAX_MANIFEST_BYTES
                      + " bytes that one Kafka record can carry"));
          continue;
        }
        entries.add(
            new RevisionIndex.Entry(r.key(), path, r.line(), pipeline.contentHash(r.manifest())));
      } catch (IllegalArgumentException e) {
        errors.add(new ManifestError(path, r.line(), e.getMessage()));
      }
    }
    files.put(path, new RevisionIndex.FileEntry(blobId, List.copyOf(entries), result.declares()));
  }

  private static List<ManifestError> sorted(List<ManifestError> list) {
    List<ManifestError> copy = new ArrayList<>(list);
    copy.sort(
        Comparator.comparing(ManifestError::file)
            .thenComparingInt(ManifestError::line)
            .thenComparing(ManifestError::reason));
    return copy;
  }
}
