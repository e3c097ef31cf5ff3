package dev.opsledger.cli.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** The reliability tests' reports: lines on the console and in {@code target/reliability/}. */
final class Reports {

  /** Where the reports go. */
  static final Path DIR = Path.of("target", "reliability").toAbsolutePath();

  private Reports() {}

  /**
   * A report: each line is printed with {@code [prefix]} and the whole report written again to
   * {@code target/reliability/<name>}, so that a test stopped half-way leaves what it had.
   */
  static Consumer<String> reporter(String name, String prefix) throws IOException {
    Files.createDirectories(DIR);
    Path report = DIR.resolve(name);
    List<String> lines = new ArrayList<>();
    return s -> {
      System.out.println("[" + prefix + "] " + s);
      lines.add(s);
      try {
        Files.write(report, lines);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    };
  }

  /** The resident memory of each of {@code up --fleet}'s JVMs, from {@code /proc}. */
  static String memory(UpProcess up, List<String> jvms, String when) {
    StringBuilder line = new StringBuilder("memory (RSS) " + when + ":");
    for (String jvm : jvms) {
      long kb = up.service(jvm).map(p -> rssKb(p.pid())).orElse(-1L);
      line.append(" %s %d MB;".formatted(jvm, kb / 1024));
    }
    return line.toString();
  }

  private static long rssKb(long pid) {
    try {
      for (String l : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (l.startsWith("VmRSS:")) {
          return Long.parseLong(l.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException e) {
      // the process is gone: reported as unknown
    }
    return -1;
  }
}
