package dev.opsledger.applier.engine;

import dev.opsledger.events.ResourceKey;
import java.util.Comparator;

/**
 * The apply order of kinds: CustomResourceDefinitions, Namespaces, other cluster-scoped kinds, then
 * namespaced kinds. Records of different resources arrive on different partitions in no order, so
 * this order is a preference (start-up, retries due together); correctness comes from retrying a
 * resource whose namespace or CRD is missing.
 */
public final class KindOrder {

  /** Work ordered by its resource's rank. */
  public static final Comparator<Work> BY_KEY = Comparator.comparingInt(w -> rank(w.key()));

  private KindOrder() {}

  /** 0 for CRDs, 1 for Namespaces, 2 for other cluster-scoped kinds, 3 for namespaced ones. */
  public static int rank(ResourceKey key) {
    if ("CustomResourceDefinition".equals(key.kind())
        && "apiextensions.k8s.io".equals(key.apiGroup())) {
      return 0;
    }
    if ("Namespace".equals(key.kind()) && key.coreGroup()) {
      return 1;
    }
    return key.clusterScoped() ? 2 : 3;
  }
}
