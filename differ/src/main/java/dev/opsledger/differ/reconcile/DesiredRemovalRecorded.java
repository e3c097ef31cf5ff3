package dev.opsledger.differ.reconcile;

import dev.opsledger.events.ResourceKey;
import java.time.Instant;

/**
 * Internal: Git no longer declares the resource.
 *
 * @param reconciliationId the aggregate id
 * @param resource the resource
 * @param inputId the input's {@code ce_id}
 * @param sourceId the source that declared it
 * @param revision the first revision without it
 * @param committedAt when that commit was made, or {@code null}
 * @param sequence the revision's recorded order in its source ({@code CommitObserved.sequence}), or
 *     {@code null} for inputs written before sequences existed
 */
public record DesiredRemovalRecorded(
    String reconciliationId,
    ResourceKey resource,
    String inputId,
    String sourceId,
    String revision,
    Instant committedAt,
    Long sequence) {}
