package dev.opsledger.events;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/**
 * The live state of a declared resource differs from its desired state, or differs in a new way.
 *
 * @param resource the resource
 * @param sourceId the source that declares it
 * @param desiredRevision the revision whose desired state was compared
 * @param observedHash the content hash of the live state that was compared
 * @param detectedAt when the difference was found
 * @param patch an RFC 6902 JSON Patch that takes the live object to the desired one, restricted to
 *     the fields the manifest sets; Secret values appear only as sealed or hashed values
 * @param diff a unified diff of the two as YAML, for people, Secret values masked
 * @param changedPaths the JSON pointers that differ
 */
public record DriftDetected(
    ResourceKey resource,
    String sourceId,
    String desiredRevision,
    String observedHash,
    Instant detectedAt,
    JsonNode patch,
    String diff,
    List<String> changedPaths)
    implements DiffEvent {

  /** Checks the required fields. */
  public DriftDetected {
    Require.present("resource", resource);
    Require.text("desiredRevision", desiredRevision);
    Require.present("detectedAt", detectedAt);
    Require.node("patch", patch);
    diff = diff == null ? "" : diff;
    changedPaths = List.copyOf(changedPaths == null ? List.of() : changedPaths);
  }

  @Override
  public DiffState state() {
    return DiffState.DRIFTED;
  }

  @Override
  public String revision() {
    return desiredRevision;
  }
}
