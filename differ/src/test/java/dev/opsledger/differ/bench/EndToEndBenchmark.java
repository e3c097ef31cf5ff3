package dev.opsledger.differ.bench;

import dev.opsledger.differ.DifferApplication;
import dev.opsledger.differ.DifferConfiguration;
import dev.opsledger.differ.DifferMetrics;
import dev.opsledger.differ.ItSupport;
import dev.opsledger.differ.ItSupport.DiffsReader;
import dev.opsledger.differ.ItSupport.TestDatabase;
import dev.opsledger.events.EventCodec;
import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.OpsLedgerEvent;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.service.EventPublisher;
import dev.opsledger.testkit.SharedKafka;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * End to end: N desired + observed pairs (ConfigMaps, one in ten drifted) through the differ onto
 * {@code opsledger.diffs}, on the in-process broker and the event store the tests use (PostgreSQL
 * when it answers on 127.0.0.1:5432, else H2). Prints the time from the first input sent until the
 * differ has handled every input record (stored in its event store), the wall time to the last diff
 * event read (the outbox's publication included), and heap. Run: {@code ./mvnw -B -f differ/pom.xml
 * -Pbench-e2e verify}.
 */
public final class EndToEndBenchmark {

  private EndToEndBenchmark() {}

  /** Runs the benchmark; the first argument is the number of pairs (default 10,000). */
  public static void main(String[] args) throws Exception {
    int pairs = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    String target = "bench-" + UUID.randomUUID().toString().substring(0, 8);
    Instant committed = Instant.parse("2026-03-01T09:00:00Z");
    try (TestDatabase db = TestDatabase.create();
        EventPublisher publisher =
            new EventPublisher(SharedKafka.bootstrapServers(), new EventCodec(), null);
        DiffsReader diffs = new DiffsReader(target)) {
      List<String> argv = new ArrayList<>();
      db.properties().forEach((k, v) -> argv.add("--" + k + "=" + v));
      argv.add("--opsledger.kafka.bootstrap-servers=" + SharedKafka.bootstrapServers());
      DifferConfiguration.FUNCTIONS.forEach(f -> argv.add("--" + f.groupProperty() + "=" + target));
      argv.add("--spring.main.banner-mode=off");
      argv.add("--spring.main.web-application-type=none");
      DifferApplication.disableAxonUpdateChecker();
      try (var differ =
          new SpringApplicationBuilder(DifferApplication.class).run(argv.toArray(String[]::new))) {
        System.gc();
        long heapBefore = usedHeap();
        long start = System.nanoTime();
        long cpuStart = cpu();
        long cpuInputs = 0;
        List<EventEnvelope<OpsLedgerEvent>> batch = new ArrayList<>();
        for (int i = 0; i < pairs; i++) {
          ResourceKey key = ResourceKey.of(target, "", "ConfigMap", "bench", "cm-" + i);
          batch.add(ItSupport.desired(key, "rev1", ItSupport.manifest(key, "v"), committed));
          batch.add(
              ItSupport.observed(key, ItSupport.live(key, i % 10 == 0 ? "drifted" : "v", "1")));
          if (batch.size() >= 1000) {
            publisher.publishAll(batch, Duration.ofMinutes(1));
            batch.clear();
          }
        }
        publisher.publishAll(batch, Duration.ofMinutes(1));
        long sent = System.nanoTime();
        long peak = 0;
        long inputsHandled = 0;
        MeterRegistry meters = differ.getBean(DifferMetrics.class).registry();
        Instant deadline = Instant.now().plus(Duration.ofMinutes(15));
        while (diffs.poll().size() < pairs && Instant.now().isBefore(deadline)) {
          peak = Math.max(peak, usedHeap());
          if (inputsHandled == 0 && handled(meters) >= 2L * pairs) {
            inputsHandled = System.nanoTime();
            cpuInputs = cpu();
          }
        }
        long done = System.nanoTime();
        long cpuDone = cpu();
        int received = diffs.poll().size();
        System.gc();
        long heapAfter = usedHeap();
        var mem = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        System.out.printf(
            "%nEND-TO-END %s: %,d pairs -> %,d diff events%n"
                + "  inputs sent in          %,8.1f s%n"
                + "  inputs handled in        %,8.1f s  (%,.0f records/s into the event store)%n"
                + "  wall time (to last diff) %,8.1f s  (%,.0f pairs/s)%n"
                + "  CPU of this JVM (broker, differ, reader): %,.1f s to the inputs handled, %,.1f s"
                + " to the last diff (%,.1f ms per pair)%n"
                + "  heap used: before %,d MiB, peak sampled %,d MiB, after GC %,d MiB (max %,d MiB)%n"
                + "  peak of pools: %s%n",
            db.postgres() ? "PostgreSQL" : "H2",
            pairs,
            received,
            (sent - start) / 1e9,
            inputsHandled == 0 ? Double.NaN : (inputsHandled - start) / 1e9,
            inputsHandled == 0 ? Double.NaN : 2.0 * pairs / ((inputsHandled - start) / 1e9),
            (done - start) / 1e9,
            pairs / ((done - start) / 1e9),
            cpuInputs == 0 ? Double.NaN : (cpuInputs - cpuStart) / 1e9,
            (cpuDone - cpuStart) / 1e9,
            (cpuDone - cpuStart) / 1e6 / pairs,
            heapBefore >> 20,
            peak >> 20,
            heapAfter >> 20,
            mem.getMax() >> 20,
            peaks());
      }
    }
    System.exit(0);
  }

  /** Input records the differ has handled (recorded, deduplicated or ignored). */
  private static double handled(MeterRegistry meters) {
    return meters.find("opsledger.differ.inputs").counters().stream()
        .mapToDouble(c -> c.count())
        .sum();
  }

  /**
   * CPU time of this process so far, in nanoseconds: on a shared machine, steadier than wall time.
   */
  private static long cpu() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static long usedHeap() {
    Runtime r = Runtime.getRuntime();
    return r.totalMemory() - r.freeMemory();
  }

  private static String peaks() {
    long sum = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        sum += pool.getPeakUsage().getUsed();
      }
    }
    return String.format("%,d MiB (sum of heap pools' peaks)", sum >> 20);
  }
}
