package dev.opsledger.applier.engine;

import dev.opsledger.events.ResourceKey;

/**
 * Which resources this applier replica does the work of. Replicas share the diffs topic's consumer
 * group, so each resource's diffs reach one replica: the one its partition is assigned to. That
 * replica alone applies, retries, holds for approval, waits for waves and rolls back the resource;
 * every replica still reads the desired state, approvals, health and every diff (what decisions
 * about the order of writes need).
 */
@FunctionalInterface
public interface Ownership {

  /** One applier, or a test: every resource is this engine's work. */
  Ownership ALL = key -> true;

  /** Whether this replica does the work of the resource now. */
  boolean owns(ResourceKey key);
}
