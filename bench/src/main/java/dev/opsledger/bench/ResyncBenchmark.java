package dev.opsledger.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * A no-change resync of N resources ({@code -Dbench.mode=resync}, N = {@code bench.resyncSize}):
 * once {@code up} is in sync and its log quiet, two measured windows.
 *
 * <ol>
 *   <li><b>idle</b>: nothing triggered, until the log has been quiet for {@code bench.quietSeconds}
 *       (what the running pipeline costs with nothing to do);
 *   <li><b>resync</b>: a signed push webhook with no new commit (a fetch that finds nothing), then
 *       until the git-watcher has polled and the collector has re-listed every object at least once
 *       (its resync interval is shortened through the environment, {@code
 *       bench.collectorResyncSeconds}) and the log is quiet again;
 *   <li><b>opsledger sync --all</b>: an approval of every resource at its current revision, through
 *       the running instance's approvals API, until the log is quiet again.
 * </ol>
 *
 * For each: the records every topic gained (end offsets before and after, from the broker), {@code
 * up}'s CPU seconds from {@code /proc}, and what the services counted (polls, webhooks, resyncs).
 */
final class ResyncBenchmark {

  /** Series read from the services' Prometheus endpoint before and after each window. */
  static final List<String> SERIES =
      List.of(
          "opsledger_gitwatcher_cycles_total",
          "opsledger_gitwatcher_webhook_requests_total",
          "opsledger_collector_resync_duration_seconds_count",
          "opsledger_collector_resync_duration_seconds_sum",
          "opsledger_collector_observations_unchanged_total",
          "opsledger_collector_events_emitted_total");

  /** The pipeline's topics, always printed; the others (DLQs, checkpoints) only when they grew. */
  private static final List<String> MAIN_TOPICS =
      List.of(
          "opsledger.commits",
          "opsledger.desired",
          "opsledger.observed",
          "opsledger.diffs",
          "opsledger.applies",
          "opsledger.notifications",
          "opsledger.approvals");

  private ResyncBenchmark() {}

  static void run() throws Exception {
    Path root = Results.root();
    int size = Integer.getInteger("bench.resyncSize", 1000);
    long resyncSeconds = Long.getLong("bench.collectorResyncSeconds", 30);
    long quietSeconds = Long.getLong("bench.quietSeconds", 10);
    long timeout = Long.getLong("bench.timeoutSeconds", 1800);
    String javaOpts = System.getProperty("bench.javaOpts", "").trim();
    Path work = Files.createTempDirectory(Results.out(), "resync-");
    Path repo = work.resolve("repo");
    int declared = GeneratedRepository.create(repo, size);

    Map<String, Object> report = new LinkedHashMap<>();
    report.put("date", Instant.now().toString());
    report.put("machine", Machine.describe());
    report.put("resources", size);
    report.put("declared", declared);
    report.put("collectorResyncIntervalSeconds", resyncSeconds);
    report.put("gitPollInterval", "5s");
    System.out.printf(
        "%n== resync: %,d resources (%d declared); collector resync every %d s; load average %s ==%n",
        size, declared, resyncSeconds, Machine.loadAverage());
    EndToEndBenchmark.warmUpLauncher(root);
    try (LiveUp up =
            LiveUp.start(
                root,
                repo,
                work.resolve("data"),
                EndToEndBenchmark.launcherWithExtra(root, javaOpts),
                "5s",
                Map.of("OPSLEDGER_STATECOLLECTOR_KUBERNETES_RESYNCINTERVAL", resyncSeconds + "s"),
                timeout);
        LogFollower log = new LogFollower(up.bootstrapServers());
        Admin admin = Admin.create(Map.of("bootstrap.servers", up.bootstrapServers()))) {
      report.put("servicesUpSeconds", up.upSeconds());
      double synced = log.awaitFirstSync(declared, Duration.ofSeconds(timeout), up);
      report.put("inSyncAfterUpSeconds", synced);
      report.put("cpuSecondsToInSync", up.cpuSeconds());
      System.out.printf(
          "up in %.1f s, %d resources in sync %.1f s later; waiting for a quiet log%n",
          up.upSeconds(), declared, synced);
      quiet(admin, quietSeconds, timeout);

      // What the running pipeline costs with nothing to do (polls and re-lists may fall in it).
      Window idle = Window.open(up, admin);
      quiet(admin, quietSeconds, timeout);
      report.put("idle", idle.close());

      Window resync = Window.open(up, admin);
      int status = up.pushWebhook();
      Map<String, Double> before = resync.series();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3 * resyncSeconds + 60);
      while (System.nanoTime() < deadline) {
        Map<String, Double> now = up.scrape(SERIES);
        if (grew(before, now, "opsledger_collector_resync_duration_seconds_count")
            && now.get("opsledger_gitwatcher_cycles_total")
                >= before.get("opsledger_gitwatcher_cycles_total") + 2) {
          break;
        }
        TimeUnit.SECONDS.sleep(1);
      }
      quiet(admin, quietSeconds, timeout);
      Map<String, Object> first = resync.close();
      first.put("webhookStatus", status);
      report.put("resync", first);

      Window sync = Window.open(up, admin);
      LiveUp.CliRun cli = up.runCli(root, "sync", "--all");
      quiet(admin, quietSeconds, timeout);
      Map<String, Object> second = sync.close();
      second.put("syncExitCode", cli.exitCode());
      second.put("syncOutput", cli.output());
      report.put("syncAll", second);
      report.put("peakRssBytes", up.peakRssBytes());
      report.put("loadAverageAtEnd", Machine.loadAverage());
    }
    print(report);
    Results.write("resync", report);
  }

  private static boolean grew(Map<String, Double> before, Map<String, Double> now, String name) {
    return now.get(name) > before.get(name);
  }

  /** Waits until no topic's end offset moved for {@code seconds}. */
  private static void quiet(Admin admin, long seconds, long timeout) throws Exception {
    Map<String, Long> last = endOffsets(admin);
    long still = System.nanoTime();
    long deadline = still + TimeUnit.SECONDS.toNanos(timeout);
    while (System.nanoTime() - still < TimeUnit.SECONDS.toNanos(seconds)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the log never went quiet: " + last);
      }
      TimeUnit.SECONDS.sleep(1);
      Map<String, Long> now = endOffsets(admin);
      if (!now.equals(last)) {
        last = now;
        still = System.nanoTime();
      }
    }
  }

  /** Records per OpsLedger topic (the sum of its partitions' end offsets). */
  static Map<String, Long> endOffsets(Admin admin) throws Exception {
    var topics =
        admin.listTopics().names().get().stream()
            .filter(t -> t.startsWith("opsledger."))
            .collect(Collectors.toSet());
    var partitions =
        admin.describeTopics(topics).allTopicNames().get().values().stream()
            .flatMap(
                d -> d.partitions().stream().map(p -> new TopicPartition(d.name(), p.partition())))
            .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
    Map<String, Long> counts = new TreeMap<>();
    admin
        .listOffsets(partitions)
        .all()
        .get()
        .forEach((tp, info) -> counts.merge(tp.topic(), info.offset(), Long::sum));
    return counts;
  }

  /** One measured window: offsets, CPU and the services' counters at its start. */
  private record Window(
      LiveUp up,
      Admin admin,
      long startNanos,
      double cpu,
      Map<String, Long> offsets,
      Map<String, Double> series) {

    static Window open(LiveUp up, Admin admin) throws Exception {
      return new Window(
          up, admin, System.nanoTime(), up.cpuSeconds(), endOffsets(admin), up.scrape(SERIES));
    }

    Map<String, Object> close() throws Exception {
      double cpuNow = up.cpuSeconds();
      Map<String, Long> offsetsNow = endOffsets(admin);
      Map<String, Double> seriesNow = up.scrape(SERIES);
      Map<String, Long> gained = new TreeMap<>();
      offsetsNow.forEach((t, n) -> gained.put(t, n - offsets.getOrDefault(t, 0L)));
      Map<String, Double> counted = new LinkedHashMap<>();
      seriesNow.forEach((s, v) -> counted.put(s, v - series.getOrDefault(s, 0.0)));
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("seconds", (System.nanoTime() - startNanos) / 1e9);
      m.put("upCpuSeconds", cpuNow - cpu);
      m.put("upCpuSecondsPerSecond", (cpuNow - cpu) / ((System.nanoTime() - startNanos) / 1e9));
      m.put("recordsGained", gained);
      m.put("servicesCounted", counted);
      return m;
    }
  }

  @SuppressWarnings("unchecked")
  private static void print(Map<String, Object> report) {
    System.out.println();
    for (String window : List.of("idle", "resync", "syncAll")) {
      Map<String, Object> w = (Map<String, Object>) report.get(window);
      Map<String, Long> gained = (Map<String, Long>) w.get("recordsGained");
      Map<String, Double> counted = (Map<String, Double>) w.get("servicesCounted");
      System.out.printf(
          "%s of %,d resources: %.1f s, up CPU %.2f s (%.2f per second)%n",
          switch (window) {
            case "idle" -> "idle (nothing triggered)";
            case "resync" -> "no-change resync (webhook, polls, collector re-list)";
            default -> "opsledger sync --all";
          },
          report.get("declared"),
          w.get("seconds"),
          w.get("upCpuSeconds"),
          w.get("upCpuSecondsPerSecond"));
      System.out.println(
          "  records gained: "
              + gained.entrySet().stream()
                  .filter(e -> e.getValue() != 0 || MAIN_TOPICS.contains(e.getKey()))
                  .map(e -> e.getKey().substring("opsledger.".length()) + " " + e.getValue())
                  .collect(Collectors.joining(", "))
              + " (every other topic 0)");
      if (w.containsKey("syncOutput")) {
        System.out.println("  opsledger sync --all said: " + w.get("syncOutput"));
      }
      System.out.printf(
          "  git-watcher cycles %.0f, webhooks %.0f, collector resyncs %.0f (%.2f s in all),"
              + " unchanged observations %.0f, collector events %.0f%n",
          counted.get("opsledger_gitwatcher_cycles_total"),
          counted.get("opsledger_gitwatcher_webhook_requests_total"),
          counted.get("opsledger_collector_resync_duration_seconds_count"),
          counted.get("opsledger_collector_resync_duration_seconds_sum"),
          counted.get("opsledger_collector_observations_unchanged_total"),
          counted.get("opsledger_collector_events_emitted_total"));
    }
  }
}
