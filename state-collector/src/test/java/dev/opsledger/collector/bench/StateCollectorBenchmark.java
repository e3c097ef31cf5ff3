package dev.opsledger.collector.bench;

import dev.opsledger.collector.support.Collectors;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.sandbox.kubernetes.KubernetesEmulator;
import dev.opsledger.testkit.SharedKafka;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.micrometer.core.instrument.Counter;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The collector's benchmark: initial observation of many objects, CPU while nothing changes,
 * sustained events per second under churn. Prints figures; asserts nothing.
 *
 * <pre>
 * ./mvnw -B -q -f state-collector/pom.xml test-compile exec:java \
 *     [-Dbench.objects=10000] [-Dbench.quietSeconds=60] [-Dbench.churnSeconds=30]
 * </pre>
 *
 * <p>Everything runs in one JVM: the in-process Kafka broker, the Kubernetes API emulator and the
 * collector. The CPU figure is the whole process's, so it is an upper bound for the collector.
 */
public final class StateCollectorBenchmark {

  private StateCollectorBenchmark() {}

  /** Runs the benchmark. */
  public static void main(String[] args) throws Exception {
    int objects = Integer.getInteger("bench.objects", 10_000);
    int quietSeconds = Integer.getInteger("bench.quietSeconds", 60);
    int churnSeconds = Integer.getInteger("bench.churnSeconds", 30);
    int namespaces = 50;
    String target = "bench-" + UUID.randomUUID().toString().substring(0, 8);

    SharedKafka.bootstrapServers();
    try (KubernetesEmulator emulator = KubernetesEmulator.builder().start()) {
      long t0 = System.nanoTime();
      for (int i = 0; i < objects; i++) {
        emulator.store().put(configMap("ns-" + (i % namespaces), "cm-" + i, "0"));
      }
      print("objects put into the emulator", objects, "in", seconds(System.nanoTime() - t0), "s");

      try (Collectors collector = new Collectors(target, emulator, Duration.ofMinutes(10))) {
        Counter acked =
            collector.registry.counter(
                "opsledger.collector.events.emitted",
                "target",
                target,
                "type",
                "dev.opsledger.observed.changed",
                "outcome",
                "ok");

        // 1. Time to initial observed state on Kafka (acknowledged by the broker).
        long start = System.nanoTime();
        collector.declare(ResourceKey.of(target, "", "ConfigMap", "ns-0", "cm-0"), "v1");
        waitFor(() -> acked.count() >= objects, Duration.ofMinutes(10));
        double initial = seconds(System.nanoTime() - start);
        print(
            "initial observed state:",
            objects,
            "ObservedStateChanged acknowledged by Kafka in",
            initial,
            "s (",
            Math.round(objects / initial),
            "events/s )");

        // 2. One full resync of the cache: emits nothing.
        long resyncStart = System.nanoTime();
        collector.cluster().resync().join();
        print(
            "full resync of",
            objects,
            "cached objects:",
            seconds(System.nanoTime() - resyncStart),
            "s, events emitted:",
            Math.round(acked.count()) - objects);

        // 3. CPU used with no changes.
        var os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpuStart = os.getProcessCpuTime();
        long ownStart = collectorThreadsCpu();
        long wallStart = System.nanoTime();
        // A measurement window of fixed length, not a wait for a condition.
        java.util.concurrent.TimeUnit.SECONDS.sleep(quietSeconds);
        double cpu = (os.getProcessCpuTime() - cpuStart) / 1e9;
        double wall = seconds(System.nanoTime() - wallStart);
        double own = (collectorThreadsCpu() - ownStart) / 1e9;
        print(
            "quiet period:",
            wall,
            "s wall,",
            cpu,
            "s CPU for the whole JVM (",
            String.format(Locale.ROOT, "%.2f", 100 * cpu / wall),
            "% of one core; broker and emulator included ), events emitted:",
            Math.round(acked.count()) - objects);
        print(
            "quiet period: collector's own threads (emitter, cluster worker, Kafka producer):",
            own,
            "s CPU; the informer's vert.x threads are shared with the emulator and not separable");

        // 4. Sustained events per second under churn: one writer changes objects round-robin.
        double before = acked.count();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong writes = new AtomicLong();
        Thread writer =
            new Thread(
                () -> {
                  int i = 0;
                  while (!stop.get()) {
                    emulator
                        .store()
                        .put(
                            configMap(
                                "ns-" + (i % namespaces),
                                "cm-" + (i % objects),
                                Long.toString(writes.incrementAndGet())));
                    i++;
                  }
                },
                "bench-churn");
        long churnStart = System.nanoTime();
        writer.start();
        // A measurement window of fixed length, not a wait for a condition.
        java.util.concurrent.TimeUnit.SECONDS.sleep(churnSeconds);
        stop.set(true);
        writer.join();
        long written = writes.get();
        long lastWrite = System.nanoTime();
        waitFor(() -> acked.count() - before >= written, Duration.ofMinutes(5));
        double lag = seconds(System.nanoTime() - lastWrite);
        double churnWall = seconds(System.nanoTime() - churnStart);
        double events = acked.count() - before;
        print(
            "churn:",
            written,
            "changes written in",
            churnSeconds,
            "s;",
            Math.round(events),
            "events acknowledged in",
            churnWall,
            "s =",
            Math.round(events / churnWall),
            "events/s sustained; the last event was acknowledged",
            lag,
            "s after the last write (the emulator's write rate is the bound)");
      }
    }
    System.exit(0);
  }

  /** CPU time of the threads the collector itself starts (and its producer's I/O thread). */
  private static long collectorThreadsCpu() {
    var threads = ManagementFactory.getThreadMXBean();
    long total = 0;
    for (var info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info != null
          && (info.getThreadName().startsWith("state-collector")
              || info.getThreadName().startsWith("kafka-producer-network-thread"))) {
        long cpu = threads.getThreadCpuTime(info.getThreadId());
        total += Math.max(cpu, 0);
      }
    }
    return total;
  }

  private static io.fabric8.kubernetes.api.model.ConfigMap configMap(
      String ns, String name, String value) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withNamespace(ns)
        .withName(name)
        .endMetadata()
        .addToData("value", value)
        .addToData("payload", "x".repeat(200))
        .build();
  }

  private static void waitFor(java.util.function.BooleanSupplier done, Duration max) {
    org.awaitility.Awaitility.await("benchmark condition")
        .atMost(max)
        .pollInterval(Duration.ofMillis(20))
        .until(done::getAsBoolean);
  }

  private static double seconds(long nanos) {
    return Math.round(nanos / 1e7) / 100.0;
  }

  private static void print(Object... parts) {
    StringBuilder b = new StringBuilder("[bench] ");
    for (Object p : parts) {
      b.append(p).append(' ');
    }
    System.out.println(b.toString().trim());
  }
}
