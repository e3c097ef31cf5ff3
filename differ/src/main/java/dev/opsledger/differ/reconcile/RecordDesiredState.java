package dev.opsledger.differ.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opsledger.events.ResourceKey;
import java.time.Instant;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Record the desired state of a resource at a revision (from {@code DesiredStateChanged}).
 *
 * @param reconciliationId the aggregate id: {@code resource.toString()}
 * @param resource the resource
 * @param inputId the input event's {@code ce_id}
 * @param inputTime the input event's {@code ce_time}
 * @param sourceId the source that declares it
 * @param revision the commit SHA
 * @param contentHash the manifest's content hash
 * @param manifest the manifest (Secret values sealed)
 * @param committedAt when the commit was made, or {@code null}
 * @param sequence the revision's recorded order in its source ({@code CommitObserved.sequence}), or
 *     {@code null} for inputs written before sequences existed
 */
public record RecordDesiredState(
    @TargetAggregateIdentifier String reconciliationId,
    ResourceKey resource,
    String inputId,
    Instant inputTime,
    String sourceId,
    String revision,
    String contentHash,
    JsonNode manifest,
    Instant committedAt,
    Long sequence) {}
