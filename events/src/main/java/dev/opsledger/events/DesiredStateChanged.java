package dev.opsledger.events;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * A resource was added or changed in Git at a revision.
 *
 * @param resource the resource
 * @param sourceId the source that declares it
 * @param revision the commit at which this is the declared state
 * @param path the file that declares it, relative to the repository root
 * @param contentHash {@code sha256:<hex>} of the manifest in canonical JSON, computed with Secret
 *     values replaced by their keyed fingerprints (sealing is randomised, so the ciphertext would
 *     change the hash of an unchanged manifest)
 * @param manifest the manifest as canonical JSON; Secret values are sealed (see {@link
 *     SecretProtector}), never plain
 * @param author who wrote the commit
 * @param committedAt when the commit was made
 * @param pullRequest the pull request of the commit, or {@code null}
 * @param sequence the revision's {@link CommitObserved#sequence()}: a later declaration has a
 *     higher one, whatever the commit dates; {@code null} in events written before schema version 2
 */
public record DesiredStateChanged(
    ResourceKey resource,
    String sourceId,
    String revision,
    String path,
    String contentHash,
    JsonNode manifest,
    Person author,
    Instant committedAt,
    PullRequestRef pullRequest,
    Long sequence)
    implements ResourceEvent {

  /** Checks the required fields. */
  public DesiredStateChanged {
    Require.present("resource", resource);
    Require.text("sourceId", sourceId);
    Require.text("revision", revision);
    Require.text("contentHash", contentHash);
    Require.node("manifest", manifest);
    Require.sequence(sequence);
  }

  /** A declaration without a recorded sequence, as events before schema version 2 were written. */
  public DesiredStateChanged(
      ResourceKey resource,
      String sourceId,
      String revision,
      String path,
      String contentHash,
      JsonNode manifest,
      Person author,
      Instant committedAt,
      PullRequestRef pullRequest) {
    this(
        resource,
        sourceId,
        revision,
        path,
        contentHash,
        manifest,
        author,
        committedAt,
        pullRequest,
        null);
  }
}
