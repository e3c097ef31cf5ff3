package dev.opsledger.differ.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opsledger.events.ResourceKey;
import java.time.Instant;
import java.util.List;

/**
 * The diff state or the drift's content changed: the one internal event the outbox turns into a
 * contract event on {@code opsledger.diffs}.
 *
 * @param reconciliationId the aggregate id
 * @param resource the resource
 * @param state the new state
 * @param fingerprint what identifies the content of the state: the drift's fingerprint, a digest of
 *     a failure's reason, or empty
 * @param sourceId the source that declares (or last declared) it, or {@code null}
 * @param desiredRevision the revision compared (or that removed it), or {@code null}
 * @param observedHash the content hash of the live state compared, or {@code null}
 * @param patch the drift's JSON Patch, or {@code null}
 * @param diff the drift's readable diff, or {@code null}
 * @param changedPaths the drift's changed paths (empty otherwise)
 * @param reason why a comparison failed, or {@code null}
 * @param causationId the {@code ce_id} of the input that caused the change
 * @param causeTime the {@code ce_time} of that input
 * @param detectedAt when the change was found
 * @param observedUid the {@code metadata.uid} of the live object compared, or {@code null}; it
 *     rides along for the applier (a prune deletes only that object) and takes no part in the state
 *     or the fingerprint
 */
public record ReconciliationStateChanged(
    String reconciliationId,
    ResourceKey resource,
    ReconcileState state,
    String fingerprint,
    String sourceId,
    String desiredRevision,
    String observedHash,
    JsonNode patch,
    String diff,
    List<String> changedPaths,
    String reason,
    String causationId,
    Instant causeTime,
    Instant detectedAt,
    String observedUid) {

  /** Normalises absent lists and fingerprints. */
  public ReconciliationStateChanged {
    changedPaths = List.copyOf(changedPaths == null ? List.of() : changedPaths);
    fingerprint = fingerprint == null ? "" : fingerprint;
  }
}
