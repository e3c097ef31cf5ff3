package dev.opsledger.differ.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opsledger.events.ResourceKey;
import java.time.Instant;

/**
 * Internal: a new live state was recorded.
 *
 * @param reconciliationId the aggregate id
 * @param resource the resource
 * @param inputId the input's {@code ce_id}
 * @param contentHash the live object's content hash
 * @param live the live object
 * @param managed whether OpsLedger manages it
 * @param observedAt when it was seen
 * @param uid the live object's {@code metadata.uid}, or {@code null} (AWS, older observations, and
 *     events stored before the differ kept it)
 */
public record LiveStateRecorded(
    String reconciliationId,
    ResourceKey resource,
    String inputId,
    String contentHash,
    JsonNode live,
    boolean managed,
    Instant observedAt,
    String uid) {}
