package dev.opsledger.collector.kubernetes;

import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

/** What discovery said about a kind. */
sealed interface KindResolution {

  /**
   * The API serves it.
   *
   * @param context group, version, plural, kind and scope for fabric8's generic client
   */
  record Served(ResourceDefinitionContext context) implements KindResolution {}

  /** Discovery does not list it (yet: a custom resource's definition may come later). */
  record NotServed() implements KindResolution {}

  /**
   * Discovery itself failed.
   *
   * @param failure why
   */
  record DiscoveryFailed(ApiFailures.Classified failure) implements KindResolution {}
}
