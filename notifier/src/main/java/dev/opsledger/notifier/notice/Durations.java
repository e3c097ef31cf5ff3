package dev.opsledger.notifier.notice;

import java.time.Duration;

/** Durations as people read them in a message: {@code 120 ms}, {@code 4.2 s}, {@code 3 min 5 s}. */
public final class Durations {

  private Durations() {}

  /** The duration, rounded to what matters at its size; negative counts as zero. */
  public static String human(Duration d) {
    long ms = Math.max(0, d.toMillis());
    if (ms < 1_000) {
      return ms + " ms";
    }
    if (ms < 10_000) {
      return String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
    }
    long s = ms / 1000;
    if (s < 60) {
      return s + " s";
    }
    if (s < 3600) {
      return (s / 60) + " min" + (s % 60 == 0 ? "" : " " + (s % 60) + " s");
    }
    long m = s / 60;
    return (m / 60) + " h" + (m % 60 == 0 ? "" : " " + (m % 60) + " min");
  }
}
