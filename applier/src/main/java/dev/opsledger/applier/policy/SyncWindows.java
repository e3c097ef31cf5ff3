package dev.opsledger.applier.policy;

import java.time.Instant;
import java.util.List;

/**
 * The sync windows of a source, and whether they let an apply through at a given time. Pure: the
 * time is an argument, so the rules are tested with any clock.
 *
 * <p>As in Argo CD: with no window, applies are always allowed; inside a deny window they are
 * refused, whatever else is open; a source with allow windows applies only inside one of them.
 *
 * @param windows the windows, in any order
 */
public record SyncWindows(List<SyncWindow> windows) {

  private static final SyncWindows NONE = new SyncWindows(List.of());

  /** How far ahead {@link #verdict} looks for the next opening, in window changes. */
  private static final int MAX_STEPS = 1_000;

  /** Copies the list. */
  public SyncWindows {
    windows = List.copyOf(windows);
  }

  /** No windows: always open. */
  public static SyncWindows none() {
    return NONE;
  }

  /**
   * Whether applies may go at {@code t}.
   *
   * @param open whether they may
   * @param reason why not, for people ({@code ""} when open)
   * @param opensAt when they may next, or {@code null} when open or when no opening is found within
   *     the next thousand window changes (a deny window that never ends, an allow window that never
   *     starts)
   */
  public record Verdict(boolean open, String reason, Instant opensAt) {}

  /** The verdict at {@code t}. */
  public Verdict verdict(Instant t) {
    String closedBy = closedBy(t);
    if (closedBy == null) {
      return new Verdict(true, "", null);
    }
    return new Verdict(false, closedBy, nextOpening(t));
  }

  private String closedBy(Instant t) {
    boolean anyAllow = false;
    boolean inAllow = false;
    for (SyncWindow w : windows) {
      boolean active = w.activeUntil(t) != null;
      if (w.kind() == SyncWindow.Kind.DENY && active) {
        return "inside the deny window " + w.text();
      }
      if (w.kind() == SyncWindow.Kind.ALLOW) {
        anyAllow = true;
        inAllow |= active;
      }
    }
    return anyAllow && !inAllow ? "outside every allow window of the source" : null;
  }

  /**
   * The first time after {@code t} when applies may go: steps from one window change to the next.
   */
  private Instant nextOpening(Instant t) {
    Instant at = t;
    for (int i = 0; i < MAX_STEPS; i++) {
      Instant change = nextChange(at);
      if (change == null) {
        return null;
      }
      if (closedBy(change) == null) {
        return change;
      }
      at = change;
    }
    return null;
  }

  /** The earliest time after {@code t} when a window starts or ends. */
  private Instant nextChange(Instant t) {
    Instant best = null;
    for (SyncWindow w : windows) {
      Instant end = w.activeUntil(t);
      if (end != null && end.isAfter(t)) {
        best = earliest(best, end);
      }
      Instant start = w.schedule().nextStart(t);
      if (start != null) {
        best = earliest(best, start);
      }
    }
    return best;
  }

  private static Instant earliest(Instant a, Instant b) {
    return a == null || b.isBefore(a) ? b : a;
  }
}
