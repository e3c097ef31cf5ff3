package dev.opsledger.differ.reconcile;

import dev.opsledger.events.ResourceKey;
import java.time.Instant;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Record that Git no longer declares a resource (from {@code DesiredStateRemoved}).
 *
 * @param reconciliationId the aggregate id: {@code resource.toString()}
 * @param resource the resource
 * @param inputId the input event's {@code ce_id}
 * @param inputTime the input event's {@code ce_time}
 * @param sourceId the source that declared it
 * @param revision the first revision without it
 * @param committedAt when that commit was made, or {@code null}
 * @param sequence the revision's recorded order in its source ({@code CommitObserved.sequence}), or
 *     {@code null} for inputs written before sequences existed
 */
public record RecordDesiredRemoval(
    @TargetAggregateIdentifier String reconciliationId,
    ResourceKey resource,
    String inputId,
    Instant inputTime,
    String sourceId,
    String revision,
    Instant committedAt,
    Long sequence) {}
