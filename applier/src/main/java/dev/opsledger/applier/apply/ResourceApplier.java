package dev.opsledger.applier.apply;

import dev.opsledger.events.ResourceKey;

/**
 * Converges one kind of resource (Kubernetes objects, S3 buckets, …). Implementations live in edge
 * packages and translate every API error into a {@link Failure}: they never throw for a failed
 * call.
 */
public interface ResourceApplier {

  /** Whether this applier is responsible for the resource (its target and kind). */
  boolean handles(ResourceKey resource);

  /**
   * Creates or updates the resource; idempotent.
   *
   * @return {@link Outcome.Created}, {@link Outcome.Patched}, {@link Outcome.Unchanged} or {@link
   *     Outcome.Failed}
   */
  Outcome apply(ApplyRequest request);

  /**
   * Deletes the resource; deleting a resource that is gone is {@link Outcome.Unchanged}.
   *
   * @return {@link Outcome.Deleted}, {@link Outcome.Unchanged} or {@link Outcome.Failed}
   */
  Outcome delete(DeleteRequest request);

  /**
   * Called after a resource was applied, so resources waiting on it (a namespace, a CRD) can be
   * retried at once; returns the predicate over waiting resources, or {@code null}.
   */
  default java.util.function.Predicate<ResourceKey> unblocks(ApplyRequest applied) {
    return null;
  }
}
