package dev.opsledger.differ.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opsledger.events.ResourceKey;
import java.time.Instant;

/**
 * Internal: a new desired state was recorded. Never published; it lets the aggregate rebuild its
 * inputs from the event store.
 *
 * @param reconciliationId the aggregate id
 * @param resource the resource
 * @param inputId the input's {@code ce_id}
 * @param sourceId the declaring source
 * @param revision the commit SHA
 * @param contentHash the manifest's content hash
 * @param manifest the manifest
 * @param committedAt when the commit was made, or {@code null}
 * @param sequence the revision's recorded order in its source ({@code CommitObserved.sequence}), or
 *     {@code null} for inputs written before sequences existed
 */
public record DesiredStateRecorded(
    String reconciliationId,
    ResourceKey resource,
    String inputId,
    String sourceId,
    String revision,
    String contentHash,
    JsonNode manifest,
    Instant committedAt,
    Long sequence) {}
