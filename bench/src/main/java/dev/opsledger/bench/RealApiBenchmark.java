package dev.opsledger.bench;

import dev.opsledger.testkit.kube.RealKubernetes;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Apply throughput on the real API server ({@code -Dbench.mode=real}): for each N of {@code
 * bench.sizes} (default 500), a fresh kube-apiserver and etcd of {@code testkit-kube} ({@link
 * RealKubernetes}), one {@code opsledger up --kubeconfig <it> --exit-when-synced} on a generated
 * repository of N resources, then a bare fabric8 server-side-apply loop of the same objects (the
 * repository's own files, moved to other namespaces) on the same server. Resources per second of
 * both, their ratio, and the CPU seconds kube-apiserver and etcd spent during each (from {@code
 * /proc}). Reports; never fails on a figure.
 */
final class RealApiBenchmark {

  /** The bare loop's copies of the repository's namespaces are named with this prefix. */
  static final String BARE_PREFIX = "bare-";

  private static final double TICKS = UpRun.CLOCK_TICKS_PER_SECOND;

  private RealApiBenchmark() {}

  static void run() throws Exception {
    Path root = Results.root();
    int[] sizes = EndToEndBenchmark.sizes("500");
    String javaOpts =
        EndToEndBenchmark.launcherWithExtra(root, System.getProperty("bench.javaOpts", ""));
    long timeout = Long.getLong("bench.timeoutSeconds", 1800);
    Path work = Files.createTempDirectory(Results.out(), "real-");

    Map<String, Object> report = new LinkedHashMap<>();
    report.put("date", Instant.now().toString());
    report.put("machine", Machine.describe());
    List<Map<String, Object>> runs = new ArrayList<>();
    for (int n : sizes) {
      Path repo = work.resolve("repo-" + n);
      int declared = GeneratedRepository.create(repo, n);
      Path kubeDir = Files.createDirectories(work.resolve("kube-" + n));
      // kube-apiserver and etcd from sandbox/kube/build.sh's cache (a no-op when it is current).
      try (RealKubernetes kube = RealKubernetes.start(kubeDir)) {
        Path kubeconfig =
            kube.writeKubeconfig(work.resolve("kubeconfig-" + n), RealKubernetes.ADMIN);
        Path data = work.resolve("data-" + n);
        String load = Machine.loadAverage();
        System.out.printf(
            "%n== real API server %s (started in %d ms): N=%,d (%d declared), load average %s ==%n",
            kube.version(), kube.startTime().toMillis(), n, declared, load);
        EndToEndBenchmark.warmUpLauncher(root);
        long serverTicks = serverCpuTicks(kube);
        UpRun.Result r =
            UpRun.run(
                root,
                repo,
                data,
                javaOpts,
                timeout,
                List.of("--kubeconfig", kubeconfig.toString()));
        double serverCpuUp = (serverCpuTicks(kube) - serverTicks) / TICKS;
        LogCounts.Counts counts = LogCounts.count(data.resolve("kafka"));
        Map<String, Object> run =
            EndToEndBenchmark.run(n, declared, "launcher", javaOpts, r, counts);
        run.put("loadAverageBefore", load);
        run.put("apiServer", kube.version());
        run.put("apiServerStartSeconds", kube.startTime().toMillis() / 1000.0);
        run.put("serverCpuSecondsDuringUp", serverCpuUp);
        System.out.printf(
            "up %.1f s, in sync %.1f s after start (%.1f s after up), wall %.1f s, peak RSS %.0f MB,"
                + " CPU %.1f s (kube-apiserver and etcd %.1f s); applies by type: %s%n",
            r.upSeconds(),
            r.syncedAfterStartSeconds(),
            r.syncedAfterUpSeconds(),
            r.wallSeconds(),
            r.peakRssBytes() / 1e6,
            r.cpuSeconds(),
            serverCpuUp,
            counts.appliesPerType());
        if (r.syncedAfterStartSeconds() < 0) {
          System.out.println("never reported in sync; its last lines:");
          r.output().stream()
              .skip(Math.max(0, r.output().size() - 20))
              .forEach(System.out::println);
        }

        String bareLoad = Machine.loadAverage();
        System.out.printf(
            "%n== bare server-side apply of the same %,d objects, load average %s ==%n",
            declared, bareLoad);
        List<HasMetadata> objects = objects(kube.client(), repo);
        serverTicks = serverCpuTicks(kube);
        double bare = bareServerSideApply(kube.client(), objects);
        double serverCpuBare = (serverCpuTicks(kube) - serverTicks) / TICKS;
        System.out.printf(
            "bare loop %.1f applies/s (kube-apiserver and etcd CPU %.1f s)%n", bare, serverCpuBare);
        run.put("serverCpuSecondsDuringBareLoop", serverCpuBare);
        double perSecond = (double) run.get("resourcesPerSecondAfterUp");
        run.put("bareLoopLoadAverageBefore", bareLoad);
        run.put("bareApplyPerSecond", bare);
        run.put("applyRatioToBareLoop", perSecond > 0 ? perSecond / bare : -1);
        runs.add(run);
      }
    }
    report.put("runs", runs);
    report.put("loadAverageAtEnd", Machine.loadAverage());
    print(runs);
    Results.write("real", report);
  }

  /**
   * The repository's objects as typed fabric8 objects, namespaces first, each moved to the bare
   * loop's namespaces ({@value #BARE_PREFIX}…) so that every apply creates an object, as {@code
   * up}'s first sync does.
   */
  static List<HasMetadata> objects(KubernetesClient client, Path repo) throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(repo)) {
      files =
          walk.filter(f -> f.toString().endsWith(".yaml"))
              .filter(f -> !repo.relativize(f).startsWith(".git"))
              .sorted()
              .toList();
    }
    List<HasMetadata> objects = new ArrayList<>();
    for (Path f : files) {
      HasMetadata o = client.getKubernetesSerialization().unmarshal(Files.readString(f));
      if (o instanceof Namespace) {
        o.getMetadata().setName(BARE_PREFIX + o.getMetadata().getName());
      } else {
        o.getMetadata().setNamespace(BARE_PREFIX + o.getMetadata().getNamespace());
      }
      objects.add(o);
    }
    objects.sort(Comparator.comparing((HasMetadata o) -> !(o instanceof Namespace)));
    return objects;
  }

  /** Applies per second, one after the other, as the emulator's bare loop does. */
  static double bareServerSideApply(KubernetesClient client, List<HasMetadata> objects) {
    long start = System.nanoTime();
    for (HasMetadata o : objects) {
      client.resource(o).fieldManager("bench").forceConflicts().serverSideApply();
    }
    return objects.size() / ((System.nanoTime() - start) / 1e9);
  }

  /** CPU time of kube-apiserver and etcd so far, in clock ticks. */
  static long serverCpuTicks(RealKubernetes kube) {
    return kube.pids().stream()
        .mapToLong(pid -> UpRun.cpuTicks(Path.of("/proc", Long.toString(pid))))
        .sum();
  }

  private static void print(List<Map<String, Object>> runs) {
    System.out.println();
    System.out.printf(
        "%-7s %9s %13s %13s %9s %10s %9s %10s %8s %10s %9s %12s %12s%n",
        "N",
        "up (s)",
        "sync/start s",
        "sync/up (s)",
        "wall (s)",
        "RSS (MB)",
        "CPU (s)",
        "CPU ms/res",
        "res/s",
        "bare res/s",
        "vs bare",
        "srv CPU up",
        "srv CPU bare");
    for (Map<String, Object> r : runs) {
      System.out.printf(
          "%,-7d %9.1f %13.1f %13.1f %9.1f %10.0f %9.1f %10.1f %8.1f %10.1f %9.2f %12.1f %12.1f%n",
          r.get("resources"),
          r.get("servicesUpSeconds"),
          r.get("inSyncAfterStartSeconds"),
          r.get("inSyncAfterUpSeconds"),
          r.get("wallSeconds"),
          ((long) r.get("peakRssBytes")) / 1e6,
          r.get("cpuSeconds"),
          r.get("cpuMillisPerResource"),
          r.get("resourcesPerSecondAfterUp"),
          r.get("bareApplyPerSecond"),
          r.get("applyRatioToBareLoop"),
          r.get("serverCpuSecondsDuringUp"),
          r.get("serverCpuSecondsDuringBareLoop"));
    }
  }
}
