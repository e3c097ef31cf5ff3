package dev.opsledger.applier.policy;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One sync window of a source: from each start of its schedule, for its duration, applies are
 * allowed ({@link Kind#ALLOW}) or refused ({@link Kind#DENY}).
 *
 * @param kind allow or deny
 * @param schedule when the window starts (a cron expression, adapted at the edge)
 * @param duration how long it stays open from each start; positive
 * @param text how people read it, e.g. {@code deny "0 0 9 * * MON-FRI" for 8h (UTC)}
 */
public record SyncWindow(Kind kind, Schedule schedule, Duration duration, String text) {

  /** Allow or deny. */
  public enum Kind {
    /** Applies are allowed only inside an allow window (when a source has any). */
    ALLOW,
    /** Applies are refused inside a deny window, whatever the allow windows say. */
    DENY
  }

  /** The starts of a window. Pure, so the policy package does not depend on a cron library. */
  @FunctionalInterface
  public interface Schedule {
    /** The first start strictly after {@code after}, or {@code null} when it never starts again. */
    Instant nextStart(Instant after);
  }

  /** Checks the parts. */
  public SyncWindow {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(schedule, "schedule");
    if (duration == null || duration.isZero() || duration.isNegative()) {
      throw new IllegalArgumentException("a sync window lasts a positive duration: " + duration);
    }
    text = text == null ? kind.name().toLowerCase() : text;
  }

  /**
   * The end of the run of this window that covers {@code t}, or {@code null} when none does. A run
   * started in {@code (t - duration, t]} covers it.
   */
  public Instant activeUntil(Instant t) {
    Instant start = schedule.nextStart(t.minus(duration));
    return start != null && !start.isAfter(t) ? start.plus(duration) : null;
  }
}
