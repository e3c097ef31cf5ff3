package dev.opsledger.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * How a live resource is doing, besides whether it matches Git: the five health states of Argo CD
 * and kstatus. {@link #label()} is how it is written as JSON and what {@code opsledger status}
 * prints.
 */
public enum HealthStatus {
  /**
   * It does what it was declared to do: a rollout finished, a claim is bound, a condition holds.
   */
  HEALTHY("Healthy"),
  /** It is on its way: a rollout in progress, a claim pending, a condition not decided yet. */
  PROGRESSING("Progressing"),
  /** It failed or stopped making progress: a deadline exceeded, a failed Job, a lost claim. */
  DEGRADED("Degraded"),
  /** Someone paused it on purpose: a paused Deployment, a suspended Job or CronJob. */
  SUSPENDED("Suspended"),
  /** Its health cannot be told: a custom rule could not be evaluated, or nothing was observed. */
  UNKNOWN("Unknown");

  private final String label;

  HealthStatus(String label) {
    this.label = label;
  }

  /** The word people read, e.g. {@code Healthy}. */
  @JsonValue
  public String label() {
    return label;
  }

  /**
   * The status with this label.
   *
   * @throws IllegalArgumentException for any other text
   */
  @JsonCreator
  public static HealthStatus fromLabel(String label) {
    for (HealthStatus s : values()) {
      if (s.label.equals(label)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown health status: " + label);
  }
}
