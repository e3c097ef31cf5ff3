package dev.opsledger.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** Reads times on the command line: RFC 3339 instants, {@code now}, or ages like {@code 2h}. */
public final class Times {

  private Times() {}

  /**
   * Parses a time.
   *
   * @param text {@code 2026-01-02T03:04:05Z}, {@code now}, or {@code <n>s|m|h|d} meaning that long
   *     ago
   * @param now the current time
   * @throws CliException when it is none of these
   */
  public static Instant parse(String text, Instant now) {
    if (text == null) {
      return null;
    }
    String t = text.trim();
    if (t.equals("now")) {
      return now;
    }
    if (t.matches("\\d+[smhd]")) {
      long n = Long.parseLong(t.substring(0, t.length() - 1));
      Duration d =
          switch (t.charAt(t.length() - 1)) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
          };
      return now.minus(d);
    }
    try {
      return Instant.parse(t);
    } catch (DateTimeParseException e) {
      throw new CliException(
          ExitCodes.USAGE,
          "'"
              + text
              + "' is not a time: use 2026-01-02T03:04:05Z, 'now', or an age like 30m, 2h, 7d");
    }
  }
}
