package dev.opsledger.collector.health;

import dev.opsledger.events.HealthStatus;

/**
 * The health of one live object and why.
 *
 * @param status the health
 * @param reason the rule that decided, e.g. {@code DeploymentRollout}, {@code Condition:Ready}
 * @param message why, for people; may be empty
 */
public record Health(HealthStatus status, String reason, String message) {

  /** The rule of a plain object (a ConfigMap, a Role): it exists, so it is healthy. */
  public static final String EXISTS = "Exists";

  /** The health of an AWS resource: it exists (the collector reads no AWS status to say more). */
  public static final Health AWS_EXISTS =
      new Health(HealthStatus.HEALTHY, EXISTS, "AWS resources are healthy when they exist");

  /** Checks the fields. */
  public Health {
    if (status == null || reason == null || reason.isBlank()) {
      throw new IllegalArgumentException("a health needs a status and a reason");
    }
    message = message == null ? "" : message;
  }

  static Health healthy(String reason, String message) {
    return new Health(HealthStatus.HEALTHY, reason, message);
  }

  static Health progressing(String reason, String message) {
    return new Health(HealthStatus.PROGRESSING, reason, message);
  }

  static Health degraded(String reason, String message) {
    return new Health(HealthStatus.DEGRADED, reason, message);
  }

  static Health suspended(String reason, String message) {
    return new Health(HealthStatus.SUSPENDED, reason, message);
  }
}
