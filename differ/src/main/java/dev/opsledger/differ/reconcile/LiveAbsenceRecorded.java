package dev.opsledger.differ.reconcile;

import dev.opsledger.events.ResourceKey;
import java.time.Instant;

/**
 * Internal: the resource was seen not to exist live.
 *
 * @param reconciliationId the aggregate id
 * @param resource the resource
 * @param inputId the input's {@code ce_id}
 * @param observedAt when its absence was seen
 */
public record LiveAbsenceRecorded(
    String reconciliationId, ResourceKey resource, String inputId, Instant observedAt) {}
