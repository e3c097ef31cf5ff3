package dev.opsledger.gitwatcher.manifest;

import dev.opsledger.events.ManifestError;
import dev.opsledger.events.ResourceKey;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Validates one revision file by file, as the Git edge walks its tree, and decides at the end
 * whether it is accepted. Files whose blob is unchanged since the previous accepted revision are
 * not read again. Not thread-safe: one scan per revision.
 */
public final class RevisionScan {

  /** Reads a blob's bytes when the scan needs them. */
  @FunctionalInterface
  public interface BlobContent {
    /** The bytes; an {@link IOException} is a transient failure of the repository. */
    byte[] read() throws IOException;
  }

  private final ManifestPipeline pipeline;
  private final RevisionIndex previous;
  private final long maxFileBytes;
  private final TreeMap<String, RevisionIndex.FileEntry> files = new TreeMap<>();
  private final List<ManifestError> errors = new ArrayList<>();

  /**
   * A scan of one revision.
   *
   * @param pipeline the source's manifest pipeline
   * @param previous the last accepted revision (for reuse of unchanged blobs)
   * @param maxFileBytes the size cap of a manifest file
   */
  public RevisionScan(ManifestPipeline pipeline, RevisionIndex previous, long maxFileBytes) {
    this.pipeline = pipeline;
    this.previous = previous;
    this.maxFileBytes = maxFileBytes;
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
    ManifestPipeline.FileResult result = pipeline.process(path, content.read());
    if (!result.errors().isEmpty()) {
      errors.addAll(result.errors());
      return;
    }
    List<RevisionIndex.Entry> entries = new ArrayList<>(result.resources().size());
    for (ManifestPipeline.Resource r : result.resources()) {
      try {
        long bytes = pipeline.encodedSize(r.manifest());
        if (bytes > ManifestPipeline.MAX_MANIFEST_BYTES) {
          errors.add(
              new ManifestError(
                  path,
                  r.line(),
                  "the resource is "
                      + bytes
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
    files.put(path, new RevisionIndex.FileEntry(blobId, List.copyOf(entries)));
  }

  /** A problem the Git edge found itself (e.g. a symlink leaving the repository). */
  public void error(String path, int line, String reason) {
    errors.add(new ManifestError(path, line, reason));
  }

  /** The outcome: the whole revision accepted, or every error. */
  public RevisionOutcome finish() {
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
      errors.sort(
          Comparator.comparing(ManifestError::file)
              .thenComparingInt(ManifestError::line)
              .thenComparing(ManifestError::reason));
      return new RevisionOutcome.Rejected(errors);
    }
    return new RevisionOutcome.Accepted(new RevisionIndex(new HashMap<>(files), resources));
  }
}
