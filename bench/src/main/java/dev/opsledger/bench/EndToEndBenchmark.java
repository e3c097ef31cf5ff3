package dev.opsledger.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Time to production for N resources: for each N of {@code bench.sizes} and each JVM setting of
 * {@code bench.jvm}, a fresh repository and a fresh data directory, one {@code opsledger up
 * --exit-when-synced} through the launcher, then the machine's limits measured in the same run.
 * Prints a table and writes a JSON file of every figure. It reports; it never fails on a figure.
 * Also the main of the other modes: {@code bench.mode} is {@code e2e} (this), {@code latency}
 * ({@link LatencyBenchmark}), {@code resync} ({@link ResyncBenchmark}) or {@code real} ({@link
 * RealApiBenchmark}).
 */
public final class EndToEndBenchmark {

  private EndToEndBenchmark() {}

  public static void main(String[] args) throws Exception {
    switch (System.getProperty("bench.mode", "e2e")) {
      case "e2e" -> run();
      case "latency" -> LatencyBenchmark.run();
      case "resync" -> ResyncBenchmark.run();
      case "real" -> RealApiBenchmark.run();
      default ->
          throw new IllegalArgumentException(
              "bench.mode is e2e, latency, resync or real, not "
                  + System.getProperty("bench.mode"));
    }
  }

  private static void run() throws Exception {
    Path root = Results.root();
    Path out = Results.out();
    int[] sizes = sizes("100,1000");
    String extraOpts = System.getProperty("bench.javaOpts", "").trim();
    Map<String, String> jvms = jvms(root, System.getProperty("bench.jvm", "launcher"), extraOpts);
    long timeout = Long.getLong("bench.timeoutSeconds", 1800);
    Path work = Files.createTempDirectory(out, "work-");

    Map<String, Object> report = new LinkedHashMap<>();
    report.put("date", Instant.now().toString());
    report.put("machine", Machine.describe());

    List<Map<String, Object>> runs = new ArrayList<>();
    for (int n : sizes) {
      Path repo = work.resolve("repo-" + n);
      int declared = GeneratedRepository.create(repo, n);
      for (var jvm : jvms.entrySet()) {
        Path data = work.resolve("data-" + n + "-" + jvm.getKey());
        System.out.printf(
            "%n== N=%,d (%d declared), JVM %s, load average %s ==%n",
            n, declared, jvm.getKey(), Machine.loadAverage());
        // Before each run: a source edited meanwhile would make the launcher build inside it.
        warmUpLauncher(root);
        UpRun.Result r = UpRun.run(root, repo, data, jvm.getValue(), timeout);
        LogCounts.Counts counts = LogCounts.count(data.resolve("kafka"));
        runs.add(run(n, declared, jvm.getKey(), jvm.getValue(), r, counts));
        System.out.printf(
            "up %.1f s, in sync %.1f s after start (%.1f s after up), wall %.1f s, peak RSS %.0f MB,"
                + " CPU %.1f s; applies by type: %s%n",
            r.upSeconds(),
            r.syncedAfterStartSeconds(),
            r.syncedAfterUpSeconds(),
            r.wallSeconds(),
            r.peakRssBytes() / 1e6,
            r.cpuSeconds(),
            counts.appliesPerType());
        if (r.syncedAfterStartSeconds() < 0) {
          System.out.println("never reported in sync; its last lines:");
          r.output().stream()
              .skip(Math.max(0, r.output().size() - 20))
              .forEach(System.out::println);
        }
      }
    }
    report.put("runs", runs);

    int applies = Integer.getInteger("bench.bareApplies", 2000);
    int records = Integer.getInteger("bench.rawRecords", 100_000);
    System.out.printf(
        "%n== machine limits: %,d bare applies, %,d raw records ==%n", applies, records);
    MachineLimits.Limits limits = MachineLimits.measure(work.resolve("limits"), applies, records);
    report.put("limits", limits);
    report.put("loadAverageAtEnd", Machine.loadAverage());

    print(runs, limits);
    Results.write("e2e", withRatios(report, runs, limits));
  }

  /** The sizes of {@code bench.sizes}, or the mode's own when it is not set (or empty). */
  static int[] sizes(String modeDefault) {
    String given = System.getProperty("bench.sizes", "").trim();
    return Arrays.stream((given.isEmpty() ? modeDefault : given).split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .mapToInt(Integer::parseInt)
        .toArray();
  }

  /** The JVM settings to compare, by name: the launcher's own, or the same with C2 back. */
  static Map<String, String> jvms(Path root, String which, String extra) throws IOException {
    Map<String, String> jvms = new LinkedHashMap<>();
    String launcher = launcherDefaults(root);
    String c2 =
        launcher
            .replace("-XX:TieredStopAtLevel=1", "")
            .replaceAll("-XX:CompileThresholdScaling=\\S+", "")
            .replaceAll("\\s+", " ")
            .trim();
    if (which.equals("launcher") || which.equals("both")) {
      // Without extra options the launcher's own defaults apply (no OPSLEDGER_JAVA_OPTS at all).
      jvms.put("launcher", extra.isEmpty() ? "" : launcher + " " + extra);
    }
    if (which.equals("c2") || which.equals("both")) {
      jvms.put("c2", (c2 + " " + extra).trim());
    }
    if (jvms.isEmpty()) {
      throw new IllegalArgumentException("bench.jvm is launcher, c2 or both, not " + which);
    }
    return jvms;
  }

  /** The {@code defaults=} options of the launcher script, so the bench never drifts from it. */
  static String launcherDefaults(Path root) throws IOException {
    Pattern line = Pattern.compile("^defaults=\"(?:\\$defaults )?(.*)\"$");
    StringBuilder opts = new StringBuilder();
    for (String l : Files.readAllLines(root.resolve("opsledger"))) {
      Matcher m = line.matcher(l.trim());
      if (m.matches()) {
        opts.append(' ').append(m.group(1));
      }
    }
    return opts.toString().trim();
  }

  /** The launcher's own options with {@code extra} added, or none (its defaults) without extra. */
  static String launcherWithExtra(Path root, String extra) throws IOException {
    return extra.isBlank() ? "" : launcherDefaults(root) + " " + extra.trim();
  }

  /** Builds the launcher's jar if stale, so that no run pays for a build. */
  static void warmUpLauncher(Path root) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(root.resolve("opsledger").toString(), "--version")
            .directory(root.toFile())
            .inheritIO()
            .start();
    if (p.waitFor() != 0) {
      throw new IOException("./opsledger --version failed: the launcher does not build");
    }
  }

  static Map<String, Object> run(
      int n, int declared, String jvm, String javaOpts, UpRun.Result r, LogCounts.Counts counts) {
    Map<String, Long> records = counts.perTopic();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("resources", n);
    m.put("declared", declared);
    m.put("jvm", jvm);
    m.put("javaOpts", javaOpts.isEmpty() ? "(launcher defaults)" : javaOpts);
    m.put("exitCode", r.exitCode());
    m.put("servicesUpSeconds", r.upSeconds());
    m.put("inSyncAfterStartSeconds", r.syncedAfterStartSeconds());
    m.put("inSyncAfterUpSeconds", r.syncedAfterUpSeconds());
    m.put("wallSeconds", r.wallSeconds());
    m.put("peakRssBytes", r.peakRssBytes());
    m.put("cpuSeconds", r.cpuSeconds());
    m.put("cpuMillisPerResource", 1000 * r.cpuSeconds() / declared);
    m.put(
        "resourcesPerSecondAfterUp",
        r.syncedAfterUpSeconds() > 0 ? declared / r.syncedAfterUpSeconds() : -1);
    m.put("recordsPerTopic", records);
    m.put("records", records.values().stream().mapToLong(Long::longValue).sum());
    m.put("appliesPerType", counts.appliesPerType());
    return m;
  }

  private static Map<String, Object> withRatios(
      Map<String, Object> report, List<Map<String, Object>> runs, MachineLimits.Limits limits) {
    for (Map<String, Object> run : runs) {
      double perSecond = (double) run.get("resourcesPerSecondAfterUp");
      double window = (double) run.get("inSyncAfterUpSeconds");
      run.put("applyRatioToBareLoop", perSecond > 0 ? perSecond / limits.applyPerSecond() : -1);
      Map<String, Double> stages = new LinkedHashMap<>();
      @SuppressWarnings("unchecked")
      Map<String, Long> records = (Map<String, Long>) run.get("recordsPerTopic");
      records.forEach(
          (topic, count) ->
              stages.put(topic, window > 0 ? count / window / limits.producePerSecond() : -1));
      run.put("topicRecordsPerSecondRatioToRawProduce", stages);
    }
    return report;
  }

  private static void print(List<Map<String, Object>> runs, MachineLimits.Limits limits) {
    System.out.println();
    System.out.printf(
        "%-7s %-9s %9s %13s %13s %9s %10s %9s %10s %8s %9s%n",
        "N",
        "jvm",
        "up (s)",
        "sync/start s",
        "sync/up (s)",
        "wall (s)",
        "RSS (MB)",
        "CPU (s)",
        "CPU ms/res",
        "res/s",
        "vs bare");
    for (Map<String, Object> r : runs) {
      double perSecond = (double) r.get("resourcesPerSecondAfterUp");
      System.out.printf(
          "%,-7d %-9s %9.1f %13.1f %13.1f %9.1f %10.0f %9.1f %10.1f %8.1f %9.2f%n",
          r.get("resources"),
          r.get("jvm"),
          r.get("servicesUpSeconds"),
          r.get("inSyncAfterStartSeconds"),
          r.get("inSyncAfterUpSeconds"),
          r.get("wallSeconds"),
          ((long) r.get("peakRssBytes")) / 1e6,
          r.get("cpuSeconds"),
          r.get("cpuMillisPerResource"),
          perSecond,
          perSecond > 0 ? perSecond / limits.applyPerSecond() : -1);
    }
    System.out.printf(
        "%nmachine limits (same run): bare server-side apply %.1f/s; raw produce %,.0f records/s,"
            + " consume %,.0f records/s (%d-byte records)%n",
        limits.applyPerSecond(),
        limits.producePerSecond(),
        limits.consumePerSecond(),
        MachineLimits.RECORD_BYTES);
    for (Map<String, Object> r : runs) {
      double window = (double) r.get("inSyncAfterUpSeconds");
      StringBuilder line =
          new StringBuilder(String.format("N=%,d %s records:", r.get("resources"), r.get("jvm")));
      @SuppressWarnings("unchecked")
      Map<String, Long> records = (Map<String, Long>) r.get("recordsPerTopic");
      records.forEach(
          (topic, count) ->
              line.append(
                  String.format(
                      " %s %,d (%.1f/s, %.4f of raw)",
                      topic.substring("opsledger.".length()),
                      count,
                      window > 0 ? count / window : -1,
                      window > 0 ? count / window / limits.producePerSecond() : -1)));
      System.out.println(line);
    }
  }
}
