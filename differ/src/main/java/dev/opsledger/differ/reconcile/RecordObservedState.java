package dev.opsledger.differ.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opsledger.events.ResourceKey;
import java.time.Instant;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Record the live state of a resource (from {@code ObservedStateChanged}).
 *
 * @param reconciliationId the aggregate id: {@code resource.toString()}
 * @param resource the resource
 * @param inputId the input event's {@code ce_id}
 * @param inputTime the input event's {@code ce_time}
 * @param contentHash the live object's content hash
 * @param live the live object (Secret values hashed)
 * @param managed whether it carries OpsLedger's managed-by label
 * @param observedAt when the collector saw it
 * @param uid the live object's {@code metadata.uid}, or {@code null} (AWS, older observations)
 */
public record RecordObservedState(
    @TargetAggregateIdentifier String reconciliationId,
    ResourceKey resource,
    String inputId,
    Instant inputTime,
    String contentHash,
    JsonNode live,
    boolean managed,
    Instant observedAt,
    String uid) {}
