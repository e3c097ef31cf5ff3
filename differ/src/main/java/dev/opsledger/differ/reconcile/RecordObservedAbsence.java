package dev.opsledger.differ.reconcile;

import dev.opsledger.events.ResourceKey;
import java.time.Instant;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Record that a resource does not exist live (from {@code ObservedStateAbsent}).
 *
 * @param reconciliationId the aggregate id: {@code resource.toString()}
 * @param resource the resource
 * @param inputId the input event's {@code ce_id}
 * @param inputTime the input event's {@code ce_time}
 * @param observedAt when its absence was seen
 */
public record RecordObservedAbsence(
    @TargetAggregateIdentifier String reconciliationId,
    ResourceKey resource,
    String inputId,
    Instant inputTime,
    Instant observedAt) {}
