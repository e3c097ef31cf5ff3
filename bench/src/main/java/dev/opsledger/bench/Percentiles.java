package dev.opsledger.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** p50/p95/p99/max of a set of latencies, nearest-rank (each figure is one measured value). */
record Percentiles(int count, double p50, double p95, double p99, double max) {

  static Percentiles of(List<Double> values) {
    if (values.isEmpty()) {
      return new Percentiles(0, -1, -1, -1, -1);
    }
    List<Double> sorted = values.stream().sorted().toList();
    return new Percentiles(
        sorted.size(),
        rank(sorted, 50),
        rank(sorted, 95),
        rank(sorted, 99),
        sorted.get(sorted.size() - 1));
  }

  private static double rank(List<Double> sorted, int percent) {
    int index = (int) Math.ceil(percent / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, index));
  }

  Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("count", count);
    m.put("p50Seconds", p50);
    m.put("p95Seconds", p95);
    m.put("p99Seconds", p99);
    m.put("maxSeconds", max);
    return m;
  }
}
