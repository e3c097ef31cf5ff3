package dev.opsledger.gitwatcher.bench;

import dev.opsledger.gitwatcher.source.SourceSettings;
import dev.opsledger.gitwatcher.support.Watchers;
import dev.opsledger.gitwatcher.watch.SourceWatcher;
import dev.opsledger.gitwatcher.watch.WatchOutcome;
import dev.opsledger.testkit.GitFixture;
import dev.opsledger.testkit.SharedKafka;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Prints how long the watcher takes, on the real broker, to record one commit that adds 1,000 and
 * 10,000 manifests (from the start of the fetch until every desired event and the commit are
 * acknowledged), the peak heap while doing so, a no-change poll of the 10,000-manifest repository,
 * a one-file change in it, and a restart (checkpoint read and index rebuilt from the tree).
 *
 * <p>Run: {@code ./mvnw -B -q -f git-watcher/pom.xml test-compile exec:exec} (1 GiB heap cap).
 * Figures only, nothing asserted.
 */
public final class GitWatcherBenchmark {

  private GitWatcherBenchmark() {}

  /** Runs the benchmark. */
  public static void main(String[] args) throws Exception {
    System.out.println("broker: " + SharedKafka.bootstrapServers());
    Watchers.publisher();
    Path root = Files.createTempDirectory("gw-bench");
    run(root.resolve("warmup"), 500, false);
    run(root.resolve("n1000"), 1_000, false);
    run(root.resolve("n10000"), 10_000, true);
    System.exit(0);
  }

  private static void run(Path dir, int manifests, boolean more) throws Exception {
    GitFixture git = GitFixture.create(dir.resolve("repo"));
    git.commit("base").write("deploy/base.yaml", manifest(-1, "base")).push();
    String id = Watchers.uniqueId("bench" + manifests);
    SourceSettings source = Watchers.source(id, git.remoteUrl(), "deploy");
    try (SourceWatcher w = Watchers.watcher(source, dir.resolve("cache"), new NoList())) {
      w.runOnce();
      addManifests(git, manifests);
      gcAndResetPeaks();
      long t0 = System.nanoTime();
      WatchOutcome o = w.runOnce();
      long took = System.nanoTime() - t0;
      report(manifests + " manifests in one commit", took, o);
      System.out.printf("    peak heap: %.1f MiB%n", peakHeapMiB());
      System.gc();
      System.out.printf("    heap retained after GC: %.1f MiB%n", usedHeapMiB());
      if (!more) {
        return;
      }
      t0 = System.nanoTime();
      o = w.runOnce();
      report("no-change poll of " + manifests, System.nanoTime() - t0, o);
      git.commit("one change").write("deploy/g77/m77.yaml", manifest(77, "changed")).push();
      t0 = System.nanoTime();
      o = w.runOnce();
      report("one-file change in " + manifests, System.nanoTime() - t0, o);
    }
    try (SourceWatcher w = Watchers.watcher(source, dir.resolve("cache"), new NoList())) {
      gcAndResetPeaks();
      long t0 = System.nanoTime();
      WatchOutcome o = w.runOnce();
      report(
          "restart on " + manifests + " (checkpoint + index rebuild + no-change)",
          System.nanoTime() - t0,
          o);
      System.out.printf("    peak heap: %.1f MiB%n", peakHeapMiB());
    }
    git.close();
  }

  private static void addManifests(GitFixture git, int n) throws Exception {
    Path work = git.workDir();
    for (int i = 0; i < n; i++) {
      Path f = work.resolve("deploy/g" + (i % 100) + "/m" + i + ".yaml");
      Files.createDirectories(f.getParent());
      Files.writeString(f, manifest(i, "v1"), StandardCharsets.UTF_8);
    }
    git.git().add().addFilepattern("deploy").call();
    git.commit("add " + n + " manifests").push();
  }

  private static String manifest(int i, String version) {
    if (i % 2 == 0) {
      return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-"
          + i
          + "\n  labels:\n"
          + "    app: bench\ndata:\n  version: \""
          + version
          + "\"\n  payload: \""
          + "x".repeat(200)
          + "\"\n";
    }
    return "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web-"
        + i
        + "\nspec:\n"
        + "  replicas: 2\n  selector:\n    matchLabels: {app: web-"
        + i
        + "}\n  template:\n"
        + "    metadata:\n      labels: {app: web-"
        + i
        + "}\n    spec:\n      containers:\n"
        + "        - name: web\n          image: nginx:1.27\n          env:\n"
        + "            - {name: VERSION, value: \""
        + version
        + "\"}\n";
  }

  private static void report(String what, long nanos, WatchOutcome o) {
    System.out.printf("%-62s %9.1f ms  (%s)%n", what, nanos / 1e6, o);
  }

  private static void gcAndResetPeaks() {
    System.gc();
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        p.resetPeakUsage();
      }
    }
  }

  private static double usedHeapMiB() {
    Runtime rt = Runtime.getRuntime();
    return (rt.totalMemory() - rt.freeMemory()) / (1024.0 * 1024.0);
  }

  private static double peakHeapMiB() {
    long sum = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        sum += p.getPeakUsage().getUsed();
      }
    }
    return sum / (1024.0 * 1024.0);
  }

  /** Keeps nothing: the benchmark must not hold the published events. */
  private static final class NoList
      extends java.util.AbstractList<dev.opsledger.events.EventEnvelope<?>> {
    @Override
    public boolean add(dev.opsledger.events.EventEnvelope<?> e) {
      return true;
    }

    @Override
    public boolean addAll(java.util.Collection<? extends dev.opsledger.events.EventEnvelope<?>> c) {
      return true;
    }

    @Override
    public dev.opsledger.events.EventEnvelope<?> get(int index) {
      throw new IndexOutOfBoundsException(index);
    }

    @Override
    public int size() {
      return 0;
    }
  }
}
