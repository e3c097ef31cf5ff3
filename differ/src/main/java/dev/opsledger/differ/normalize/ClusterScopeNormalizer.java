package dev.opsledger.differ.normalize;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Ignores the desired {@code metadata.namespace} when the live object has none: the object is of a
 * cluster-scoped kind, and the namespace in its manifest is one the API server dropped (as it drops
 * it from every write of a cluster-scoped object).
 *
 * <p>The absence is proof, not a guess: every live object of a namespaced kind carries its
 * namespace, so only a cluster-scoped one lacks it. It matters for custom kinds whose
 * CustomResourceDefinition is not in Git (installed out of band): the git-watcher cannot know they
 * are cluster-scoped, so their manifests keep the namespace they were written with, while the
 * state-collector, which asks discovery, reports the live object under the declared key.
 */
public final class ClusterScopeNormalizer implements Normalizer {

  @Override
  public void normalize(Comparison comparison) {
    if (comparison.live().get("metadata") instanceof ObjectNode live
        && !live.has("namespace")
        && comparison.desired().get("metadata") instanceof ObjectNode desired) {
      desired.remove("namespace");
    }
  }
}
