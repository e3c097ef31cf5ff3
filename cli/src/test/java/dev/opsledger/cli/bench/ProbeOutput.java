package dev.opsledger.cli.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.function.Predicate;

/**
 * What a benchmark's probe JVM printed: its one {@code ROW ...} line (the figures), with the lines
 * worth seeing echoed as they come.
 */
final class ProbeOutput {

  private ProbeOutput() {}

  /**
   * Reads {@code probe}'s output to its end and returns its row, printed too.
   *
   * @param label names the probe in echoed lines and in the failure
   * @param echo which other lines to show
   * @throws IllegalStateException when the probe printed no row or exited with an error
   */
  static String row(Process probe, String label, Predicate<String> echo)
      throws IOException, InterruptedException {
    String row = null;
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(probe.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        if (line.startsWith("ROW ")) {
          row = line.substring(4);
        } else if (echo.test(line)) {
          System.out.println("  [" + label + "] " + line);
        }
      }
    }
    int exit = probe.waitFor();
    if (row == null || exit != 0) {
      throw new IllegalStateException(label + " failed (exit " + exit + ")");
    }
    System.out.println(row);
    return row;
  }
}
