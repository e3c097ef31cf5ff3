/**
 * Pure core: the health of a live object, from the whole object as the API returned it ({@code
 * status} included), before {@code observe.LiveProjection} strips what a diff must not see.
 *
 * <p>{@link dev.opsledger.collector.health.HealthAssessor} asks the custom rules of configuration
 * ({@link dev.opsledger.collector.health.CelHealthRules}, CEL expressions per group and kind)
 * first, then the built-in kstatus-like rules ({@link
 * dev.opsledger.collector.health.KubernetesHealth}). Invariants: an assessment never throws (what
 * cannot be told is {@code Unknown}); a custom rule that does not compile fails the collector's
 * start, never an observation. No Kubernetes, AWS or Kafka client here.
 */
package dev.opsledger.collector.health;
