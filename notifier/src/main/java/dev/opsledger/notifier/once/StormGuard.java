package dev.opsledger.notifier.once;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Storm protection for one chat channel: at most {@code max} notices go out per fixed window; the
 * rest are folded, and when the window is over one summary with their counts by kind goes out
 * instead.
 *
 * <p>Invariants: thread-safe; every notice offered is either admitted or counted in exactly one
 * {@link Folded} summary; a window starts at the first notice after the previous one ended, so a
 * quiet channel never waits.
 */
public final class StormGuard {

  /**
   * The notices folded in one window.
   *
   * @param windowStart when the window began
   * @param window its length
   * @param byKind how many were folded, per notice kind
   */
  public record Folded(Instant windowStart, Duration window, Map<String, Integer> byKind) {

    /** How many were folded in all. */
    public int total() {
      return byKind.values().stream().mapToInt(Integer::intValue).sum();
    }
  }

  private final int max;
  private final Duration window;
  private Instant windowStart;
  private int count;
  private Map<String, Integer> folded = new TreeMap<>();
  private final List<Folded> ready = new ArrayList<>();

  /** A guard letting {@code max} notices through per {@code window}. */
  public StormGuard(int max, Duration window) {
    this.max = max;
    this.window = window;
  }

  /** Whether a notice of this kind may go out now; if not, it is counted as folded. */
  public synchronized boolean admit(String kind, Instant now) {
    roll(now);
    if (windowStart == null) {
      windowStart = now;
      count = 0;
    }
    count++;
    if (count <= max) {
      return true;
    }
    folded.merge(kind, 1, Integer::sum);
    return false;
  }

  /** The summaries of windows that are over and folded something; each returned once. */
  public synchronized List<Folded> drain(Instant now) {
    roll(now);
    List<Folded> out = List.copyOf(ready);
    ready.clear();
    return out;
  }

  private void roll(Instant now) {
    if (windowStart != null && !now.isBefore(windowStart.plus(window))) {
      if (!folded.isEmpty()) {
        ready.add(new Folded(windowStart, window, Map.copyOf(folded)));
      }
      folded = new TreeMap<>();
      windowStart = null;
      count = 0;
    }
  }
}
