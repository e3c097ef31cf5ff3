package dev.opsledger.bench;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Commit→applied and live edit→healed latency on one running {@code opsledger up} ({@code
 * -Dbench.mode=latency}). Sequential: each change is applied (or healed) before the next starts, so
 * each figure is one change's latency, not a queue's.
 *
 * <ol>
 *   <li>commit→applied: a one-ConfigMap change committed with the git command line, then a signed
 *       generic push webhook; from the webhook sent to that resource's {@code ApplySucceeded} of
 *       that revision received from {@code opsledger.applies}. The poll interval is an hour, so
 *       only the webhook starts the fetch.
 *   <li>edit→healed: a live edit of a synced ConfigMap's {@code greeting} through the emulator's
 *       kubeconfig (fabric8); from the edit accepted to a watch event showing the declared value
 *       again (and, as a second figure, to the heal's {@code ApplySucceeded} on the log).
 * </ol>
 */
final class LatencyBenchmark {

  private LatencyBenchmark() {}

  static void run() throws Exception {
    Path root = Results.root();
    int size = Integer.getInteger("bench.latencySize", 100);
    int changes = Integer.getInteger("bench.changes", 200);
    int edits = Integer.getInteger("bench.edits", 200);
    Duration each = Duration.ofSeconds(Long.getLong("bench.changeTimeoutSeconds", 60));
    long timeout = Long.getLong("bench.timeoutSeconds", 1800);
    String javaOpts = System.getProperty("bench.javaOpts", "").trim();
    Path work = Files.createTempDirectory(Results.out(), "latency-");
    Path repo = work.resolve("repo");
    int declared = GeneratedRepository.create(repo, size);

    Map<String, Object> report = new LinkedHashMap<>();
    report.put("date", Instant.now().toString());
    report.put("machine", Machine.describe());
    report.put("resources", size);
    report.put("declared", declared);
    System.out.printf(
        "%n== latency: %,d resources (%d declared), %d commits, %d live edits; load average %s ==%n",
        size, declared, changes, edits, Machine.loadAverage());
    EndToEndBenchmark.warmUpLauncher(root);
    try (LiveUp up =
            LiveUp.start(
                root,
                repo,
                work.resolve("data"),
                EndToEndBenchmark.launcherWithExtra(root, javaOpts),
                "1h",
                Map.of(),
                timeout);
        LogFollower log = new LogFollower(up.bootstrapServers())) {
      report.put("servicesUpSeconds", up.upSeconds());
      double synced = log.awaitFirstSync(declared, Duration.ofSeconds(timeout), up);
      report.put("inSyncAfterUpSeconds", synced);
      System.out.printf(
          "up in %.1f s, %d resources in sync %.1f s later%n", up.upSeconds(), declared, synced);

      Map<Integer, String> greetings = new HashMap<>();
      double cpu0 = up.cpuSeconds();
      Map<String, Object> commits = commits(up, log, repo, size, changes, each, greetings);
      double cpu1 = up.cpuSeconds();
      commits.put("upCpuSeconds", cpu1 - cpu0);
      report.put("commitToApplied", commits);
      Map<String, Object> heals = edits(up, log, size, edits, each, greetings);
      heals.put("upCpuSeconds", up.cpuSeconds() - cpu1);
      report.put("editToHealed", heals);
      report.put("peakRssBytes", up.peakRssBytes());
      report.put("loadAverageAtEnd", Machine.loadAverage());
    }
    print(report);
    Results.write("latency", report);
  }

  /** One ConfigMap per commit, round-robin over the repository's ConfigMaps. */
  private static Map<String, Object> commits(
      LiveUp up,
      LogFollower log,
      Path repo,
      int size,
      int changes,
      Duration each,
      Map<Integer, String> greetings)
      throws Exception {
    List<Double> received = new ArrayList<>();
    List<Double> produced = new ArrayList<>();
    List<String> missed = new ArrayList<>();
    Map<String, List<Double>> stages = new LinkedHashMap<>();
    STAGES.forEach(stage -> stages.put(stage, new ArrayList<>()));
    int configMaps = (size + 1) / 2;
    for (int c = 0; c < changes; c++) {
      int i = 2 * (c % configMaps);
      String greeting = "hello from resource " + i + " at change " + c;
      GeneratedRepository.writeConfigMap(repo, i, greeting);
      String sha = GeneratedRepository.commit(repo, "change " + c + " of " + i);
      greetings.put(i, greeting);
      String key = GeneratedRepository.configMapKey(i);
      long sentMillis = System.currentTimeMillis();
      long sent = System.nanoTime();
      int status = up.pushWebhook();
      if (status != 202) {
        throw new IllegalStateException("the push webhook answered " + status + ", not 202");
      }
      var applied = log.awaitApplied(key, a -> a.revision().equals(sha), each);
      if (applied.isEmpty()) {
        missed.add(key + "@" + sha);
        System.out.printf("  change %d: %s at %s not applied within %s%n", c, key, sha, each);
        continue;
      }
      received.add((applied.get().receivedNanos() - sent) / 1e9);
      produced.add((applied.get().timestampMillis() - sentMillis) / 1000.0);
      stages(log, key, sha, sent, applied.get().receivedNanos(), stages);
      if ((c + 1) % 50 == 0) {
        System.out.printf(
            "  %d commits, latest %.3f s, load average %s%n",
            c + 1, received.get(received.size() - 1), Machine.loadAverage());
      }
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("changes", changes);
    m.put("measuredTo", "ApplySucceeded of the revision received by the bench's consumer");
    m.put("latency", Percentiles.of(received).toMap());
    m.put("latencyToRecordTimestamp", Percentiles.of(produced).toMap());
    m.put("goals", Map.of("p50Seconds", 1.0, "p99Seconds", 3.0));
    Map<String, Object> byStage = new LinkedHashMap<>();
    stages.forEach((stage, values) -> byStage.put(stage, Percentiles.of(values).toMap()));
    m.put("stages", byStage);
    m.put("stageSecondsEach", stages);
    m.put("notAppliedInTime", missed);
    m.put("secondsEach", received);
    return m;
  }

  /**
   * The stages of a change, between the events of its revision as the bench's consumer got them.
   */
  static final List<String> STAGES =
      List.of(
          "webhook→DesiredStateChanged",
          "DesiredStateChanged→DriftDetected",
          "DriftDetected→ApplyStarted",
          "ApplyStarted→ApplySucceeded");

  private static void stages(
      LogFollower log,
      String key,
      String sha,
      long sent,
      long succeeded,
      Map<String, List<Double>> stages) {
    long desired = log.firstSeen(key, "dev.opsledger.desired.changed", sha);
    long drift = log.firstSeen(key, "dev.opsledger.diff.detected", sha);
    long started = log.firstSeen(key, "dev.opsledger.apply.started", sha);
    long[] at = {sent, desired, drift, started, succeeded};
    for (int s = 0; s < STAGES.size(); s++) {
      if (at[s] >= 0 && at[s + 1] >= 0) {
        stages.get(STAGES.get(s)).add(Math.max(0, at[s + 1] - at[s]) / 1e9);
      }
    }
  }

  /** A live edit of one ConfigMap's greeting at a time, round-robin; self-heal puts it back. */
  private static Map<String, Object> edits(
      LiveUp up,
      LogFollower log,
      int size,
      int edits,
      Duration each,
      Map<Integer, String> greetings)
      throws Exception {
    List<Double> healed = new ArrayList<>();
    List<Double> applied = new ArrayList<>();
    List<String> missed = new ArrayList<>();
    int configMaps = (size + 1) / 2;
    HealWatch watch = new HealWatch();
    try (KubernetesClient client =
            new KubernetesClientBuilder()
                .withConfig(Config.fromKubeconfig(Files.readString(up.kubeconfig())))
                .build();
        Watch ignored = client.configMaps().inAnyNamespace().watch(watch)) {
      for (int e = 0; e < edits; e++) {
        int i = 2 * (e % configMaps);
        String namespace = GeneratedRepository.namespace(i % GeneratedRepository.NAMESPACES);
        String name = GeneratedRepository.configMapName(i);
        String declared = greetings.getOrDefault(i, GeneratedRepository.greeting(i));
        String edited = "live edit " + e;
        CompletableFuture<Long> back = watch.expect(namespace, name, edited, declared);
        long before = System.nanoTime();
        client
            .configMaps()
            .inNamespace(namespace)
            .withName(name)
            .edit(
                cm -> {
                  cm.getData().put("greeting", edited);
                  return cm;
                });
        long edit = System.nanoTime();
        try {
          long at = back.get(each.toSeconds(), TimeUnit.SECONDS);
          healed.add(Math.max(0, at - edit) / 1e9);
        } catch (TimeoutException late) {
          missed.add(namespace + "/" + name);
          System.out.printf("  edit %d: %s/%s not healed within %s%n", e, namespace, name, each);
          continue;
        }
        var heal =
            log.awaitApplied(
                GeneratedRepository.configMapKey(i), a -> a.receivedNanos() > before, each);
        heal.ifPresent(a -> applied.add(Math.max(0, a.receivedNanos() - edit) / 1e9));
        if ((e + 1) % 50 == 0) {
          System.out.printf(
              "  %d edits, latest %.3f s, load average %s%n",
              e + 1, healed.get(healed.size() - 1), Machine.loadAverage());
        }
      }
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("edits", edits);
    m.put(
        "measuredTo",
        "a watch event of the object with its declared value again (the API), and the heal's"
            + " ApplySucceeded received by the bench's consumer (the log)");
    m.put("latency", Percentiles.of(healed).toMap());
    m.put("latencyToApplySucceeded", Percentiles.of(applied).toMap());
    m.put("notHealedInTime", missed);
    m.put("secondsEach", healed);
    return m;
  }

  /**
   * One watch over every ConfigMap; completes the expected heal when the object, after showing the
   * edit, shows the declared value again (the emulator sends events of one object in order).
   */
  private static final class HealWatch implements Watcher<ConfigMap> {

    private volatile Expected expected;

    private record Expected(
        String namespace,
        String name,
        String edited,
        String declared,
        boolean[] sawEdit,
        CompletableFuture<Long> healed) {}

    CompletableFuture<Long> expect(String namespace, String name, String edited, String declared) {
      Expected e =
          new Expected(
              namespace, name, edited, declared, new boolean[1], new CompletableFuture<>());
      expected = e;
      return e.healed();
    }

    @Override
    public void eventReceived(Action action, ConfigMap cm) {
      long now = System.nanoTime();
      Expected e = expected;
      if (e == null
          || cm.getMetadata() == null
          || !e.name().equals(cm.getMetadata().getName())
          || !e.namespace().equals(cm.getMetadata().getNamespace())
          || cm.getData() == null) {
        return;
      }
      String greeting = cm.getData().get("greeting");
      if (e.edited().equals(greeting)) {
        e.sawEdit()[0] = true;
      } else if (e.sawEdit()[0] && e.declared().equals(greeting)) {
        e.healed().complete(now);
      }
    }

    @Override
    public void onClose(WatcherException cause) {
      Expected e = expected;
      if (e != null && cause != null) {
        e.healed().completeExceptionally(cause);
      }
    }
  }

  private static void print(Map<String, Object> report) {
    System.out.println();
    System.out.printf(
        "%-38s %5s %9s %9s %9s %9s  %s%n",
        "figure", "n", "p50 (s)", "p95 (s)", "p99 (s)", "max (s)", "goal");
    row(report, "commitToApplied", "latency", "commit→applied (webhook→log)", goal(report));
    row(report, "commitToApplied", "latencyToRecordTimestamp", "  same, to the record's time", "");
    for (String stage : STAGES) {
      stageRow(report, stage);
    }
    row(report, "editToHealed", "latency", "live edit→healed (API watch)", "");
    row(report, "editToHealed", "latencyToApplySucceeded", "live edit→heal applied (log)", "");
    System.out.printf(
        "up CPU: %.1f s over the commits, %.1f s over the edits; peak RSS %.0f MB%n",
        section(report, "commitToApplied").get("upCpuSeconds"),
        section(report, "editToHealed").get("upCpuSeconds"),
        ((long) report.get("peakRssBytes")) / 1e6);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> section(Map<String, Object> report, String name) {
    return (Map<String, Object>) report.get(name);
  }

  @SuppressWarnings("unchecked")
  private static void row(
      Map<String, Object> report, String section, String figure, String label, String goal) {
    Map<String, Object> p = (Map<String, Object>) section(report, section).get(figure);
    System.out.printf(
        "%-38s %5d %9.3f %9.3f %9.3f %9.3f  %s%n",
        label,
        p.get("count"),
        p.get("p50Seconds"),
        p.get("p95Seconds"),
        p.get("p99Seconds"),
        p.get("maxSeconds"),
        goal);
  }

  @SuppressWarnings("unchecked")
  private static void stageRow(Map<String, Object> report, String stage) {
    Map<String, Object> stages =
        (Map<String, Object>) section(report, "commitToApplied").get("stages");
    Map<String, Object> p = (Map<String, Object>) stages.get(stage);
    System.out.printf(
        "%-38s %5d %9.3f %9.3f %9.3f %9.3f%n",
        "  " + stage,
        p.get("count"),
        p.get("p50Seconds"),
        p.get("p95Seconds"),
        p.get("p99Seconds"),
        p.get("maxSeconds"));
  }

  @SuppressWarnings("unchecked")
  private static String goal(Map<String, Object> report) {
    Map<String, Object> p = (Map<String, Object>) section(report, "commitToApplied").get("latency");
    double p50 = (double) p.get("p50Seconds");
    double p99 = (double) p.get("p99Seconds");
    return String.format(
        "p50 ≤ 1 s (%s), p99 ≤ 3 s (%s)",
        p50 >= 0 && p50 <= 1 ? "met" : "not met", p99 >= 0 && p99 <= 3 ? "met" : "not met");
  }
}
