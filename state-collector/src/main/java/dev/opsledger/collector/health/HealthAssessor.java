package dev.opsledger.collector.health;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The health of a live Kubernetes object: the custom rule of its group and kind when configuration
 * has one, else the built-in rules. Pure and thread-safe; never throws.
 */
public final class HealthAssessor {

  private final CelHealthRules custom;

  /** An assessor with these custom rules before the built-in ones. */
  public HealthAssessor(CelHealthRules custom) {
    this.custom = custom;
  }

  /** Only the built-in rules. */
  public static HealthAssessor builtIn() {
    return new HealthAssessor(CelHealthRules.none());
  }

  /** The health of {@code object}, the whole live object as the API returned it. */
  public Health assess(JsonNode object) {
    try {
      return custom.assess(object).orElseGet(() -> KubernetesHealth.assess(object));
    } catch (RuntimeException e) {
      // A rule must not stop observation: an object whose health cannot be told is Unknown.
      return new Health(
          dev.opsledger.events.HealthStatus.UNKNOWN,
          "Error",
          "health could not be assessed: " + e.getClass().getSimpleName());
    }
  }
}
