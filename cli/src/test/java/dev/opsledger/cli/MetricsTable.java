package dev.opsledger.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metrics table of the root README ("## Metrics"): the names the tests look for, so that the
 * document is the list and cannot drift from what the services export.
 */
final class MetricsTable {

  static final Path README = Path.of("../README.md");

  /** A Prometheus metric name as PromQL writes it. */
  private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

  /** The series a Micrometer timer adds to its name. */
  private static final List<String> SUFFIXES = List.of("_count", "_sum", "_max", "_bucket");

  private MetricsTable() {}

  /** The documented names, in table order. */
  static List<String> names() {
    List<String> lines;
    try {
      lines = Files.readAllLines(README);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int start = lines.indexOf("## Metrics");
    if (start < 0) {
      throw new AssertionError("the root README has no '## Metrics' section");
    }
    List<String> names = new ArrayList<>();
    for (int i = start + 1; i < lines.size() && !lines.get(i).startsWith("## "); i++) {
      String line = lines.get(i);
      if (line.startsWith("| `")) {
        names.add(line.substring(3, line.indexOf('`', 3)));
      }
    }
    return names;
  }

  /**
   * The metric names a PromQL expression uses: identifiers of OpsLedger's, Spring Cloud Stream's or
   * the Kafka client's families, with a timer's {@code _count}/{@code _sum}/{@code _max} suffix
   * taken off when the name without it is documented.
   */
  static Set<String> usedBy(String promql, List<String> documented) {
    Set<String> used = new LinkedHashSet<>();
    Matcher m = NAME.matcher(promql.replaceAll("\\{[^}]*}", "").replaceAll("\\[[^]]*]", ""));
    while (m.find()) {
      String name = m.group();
      if (name.startsWith("opsledger_")
          || name.startsWith("spring_cloud_stream_")
          || name.startsWith("kafka_")) {
        used.add(family(name, documented));
      }
    }
    return used;
  }

  private static String family(String name, List<String> documented) {
    for (String suffix : SUFFIXES) {
      if (name.endsWith(suffix)) {
        String base = name.substring(0, name.length() - suffix.length());
        if (documented.contains(base)) {
          return base;
        }
      }
    }
    return name;
  }

  /** Whether a Prometheus scrape has a sample of the family {@code name}. */
  static boolean scraped(String scrape, String name) {
    Pattern sample =
        Pattern.compile(
            "^" + Pattern.quote(name) + "(_count|_sum|_max|_bucket)?[{ ]", Pattern.MULTILINE);
    return sample.matcher(scrape).find();
  }
}
