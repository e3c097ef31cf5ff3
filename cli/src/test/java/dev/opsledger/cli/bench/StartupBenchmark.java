package dev.opsledger.cli.bench;

import dev.opsledger.applier.stream.LogReplay;
import dev.opsledger.differ.outbox.LastPublished;
import dev.opsledger.events.CheckpointTopic;
import dev.opsledger.events.EncodedEvent;
import dev.opsledger.events.EventCodec;
import dev.opsledger.events.Topic;
import dev.opsledger.gitwatcher.watch.Checkpoint;
import dev.opsledger.gitwatcher.watch.CommitLogCheckpoints;
import dev.opsledger.kafka.Checkpoints;
import dev.opsledger.kafka.KafkaConnection;
import dev.opsledger.kafka.KafkaRecords;
import dev.opsledger.kafka.KafkaSettings;
import dev.opsledger.kafka.Rebuild;
import dev.opsledger.kafka.TopicBootstrapper;
import dev.opsledger.notifier.NotifierMetrics;
import dev.opsledger.notifier.dispatch.NotifierEngine;
import dev.opsledger.notifier.dispatch.NotifierHistory;
import dev.opsledger.notifier.notice.Notice;
import dev.opsledger.notifier.notice.Notices;
import dev.opsledger.notifier.once.SentLedger;
import dev.opsledger.notifier.route.Router;
import dev.opsledger.sandbox.kafka.EmbeddedKafkaBroker;
import dev.opsledger.testkit.GeneratedLog;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Start-up on a long log: fills an on-disk embedded broker with a generated log (default 10,000
 * resources × 20 rounds ≈ 1,000,000 events on the real topics: commits, desired, observed, diffs,
 * applies, approvals), then measures what each service reads at start, each in a JVM of its own (so
 * its heap is its own): the applier's replay and the differ's last-published read without a
 * snapshot (the whole log, as before snapshots) and from a snapshot followed by a tail of about 1%
 * more events, the notifier's history and the git-watcher's checkpoint. Prints time, records read
 * and heap (retained after GC, and peak) per run.
 *
 * <p>Run: {@code ./mvnw -B -ntp -o -pl cli -am -Pbench-startup -DskipTests verify}. Options as
 * system properties: {@code -Dbench.resources=10000 -Dbench.rounds=20
 * -Dbench.dir=target/startup-bench}. Not part of {@code verify}: it takes minutes.
 */
public final class StartupBenchmark {

  private static final Duration BUDGET = Duration.ofMinutes(30);

  private StartupBenchmark() {}

  /** Fills the broker, then runs each probe in a child JVM and prints the figures. */
  public static void main(String[] args) throws Exception {
    int resources = Integer.getInteger("bench.resources", 10_000);
    int rounds = Integer.getInteger("bench.rounds", 20);
    Path dir = Path.of(System.getProperty("bench.dir", "target/startup-bench"));
    Files.createDirectories(dir);
    try (EmbeddedKafkaBroker broker =
        EmbeddedKafkaBroker.builder()
            .dataDir(dir.resolve("kafka"))
            .brokerProperty("log.retention.check.interval.ms", "86400000")
            .build()
            .start()) {
      String bootstrap = broker.bootstrapServers();
      try (Admin admin = admin(bootstrap)) {
        new TopicBootstrapper(admin, (short) 1, Duration.ofMinutes(1)).ensureCatalogue();
      }
      Instant start = Instant.now().minus(Duration.ofSeconds((long) resources * rounds * 5));
      long[] filled = fill(bootstrap, new GeneratedLog(resources, rounds, start, 42));
      System.out.printf(
          "filled %,d events (%,d on the applier's topics, %,d on diffs) in %,d ms; %,d MB on disk%n",
          filled[0], filled[1], filled[2], filled[3], size(dir.resolve("kafka")) >> 20);
      commitGroupsAtEnd(bootstrap);

      List<String> rows = new ArrayList<>();
      rows.add(probe(bootstrap, "applier", "full"));
      rows.add(probe(bootstrap, "applier", "write-snapshot"));
      rows.add(probe(bootstrap, "differ", "full"));
      rows.add(probe(bootstrap, "differ", "write-snapshot"));
      // Brokers refuse timestamps more than an hour ahead: the tail ends about now.
      Instant later = Instant.now().minus(Duration.ofSeconds((long) resources / 100 * rounds * 5));
      long[] tail = fill(bootstrap, new GeneratedLog(resources / 100, rounds, later, 43));
      System.out.printf("appended a tail of %,d events after the snapshots%n", tail[0]);
      commitGroupsAtEnd(bootstrap);
      rows.add(probe(bootstrap, "applier", "full"));
      rows.add(probe(bootstrap, "applier", "snapshot"));
      rows.add(probe(bootstrap, "differ", "full"));
      rows.add(probe(bootstrap, "differ", "snapshot"));
      rows.add(probe(bootstrap, "notifier", "lookback-1h"));
      rows.add(probe(bootstrap, "git-watcher", "checkpoint"));

      System.out.println();
      System.out.printf(
          "%-12s %-15s %10s %12s %14s %12s%n",
          "service", "run", "time ms", "records", "retained MB", "peak MB");
      rows.forEach(System.out::println);
    }
  }

  /** Runs one probe in a child JVM; returns its result row. */
  private static String probe(String bootstrap, String service, String mode) throws Exception {
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + System.getProperty("bench.probe.xmx", "2g"),
                "-XX:+UseG1GC",
                "-cp",
                System.getProperty("java.class.path"),
                Probe.class.getName(),
                bootstrap,
                service,
                mode)
            .redirectErrorStream(true)
            .start();
    return ProbeOutput.row(
        p, service + " " + mode, line -> line.contains("WARN") || line.contains("ERROR"));
  }

  /** Writes the log fast (asynchronous sends); returns {events, applier's, diffs, ms}. */
  private static long[] fill(String bootstrap, GeneratedLog log) {
    EventCodec codec = new EventCodec();
    Map<String, Object> config = KafkaSettings.producer(bootstrap);
    config.put(ProducerConfig.LINGER_MS_CONFIG, "50");
    config.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(512 * 1024));
    long[] counts = new long[4];
    long t0 = System.nanoTime();
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config)) {
      log.write(
          e -> {
            EncodedEvent encoded = codec.encode(e);
            ProducerRecord<String, byte[]> r = KafkaRecords.toProducerRecord(encoded);
            producer.send(
                new ProducerRecord<>(
                    r.topic(), null, e.time().toEpochMilli(), r.key(), r.value(), r.headers()));
            counts[0]++;
            Topic t = e.type().topic();
            if (LogReplay.TOPICS.contains(t.topicName())) {
              counts[1]++;
            }
            if (t == Topic.DIFFS) {
              counts[2]++;
            }
          });
      producer.flush();
    }
    counts[3] = (System.nanoTime() - t0) / 1_000_000;
    return counts;
  }

  /** The notifier's groups have handled everything: its start re-reads only its lookback. */
  private static void commitGroupsAtEnd(String bootstrap) throws Exception {
    try (Admin admin = admin(bootstrap)) {
      for (String topic :
          List.of(Topic.DIFFS.topicName(), Topic.APPLIES.topicName(), Topic.COMMITS.topicName())) {
        Map<TopicPartition, OffsetSpec> query = new HashMap<>();
        admin
            .describeTopics(List.of(topic))
            .allTopicNames()
            .get()
            .get(topic)
            .partitions()
            .forEach(p -> query.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        admin
            .listOffsets(query)
            .all()
            .get()
            .forEach((tp, info) -> offsets.put(tp, new OffsetAndMetadata(info.offset())));
        admin.alterConsumerGroupOffsets(Probe.GROUP, offsets).all().get();
      }
    }
  }

  private static Admin admin(String bootstrap) {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
  }

  private static long size(Path dir) throws Exception {
    try (var files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
    }
  }

  /** One measurement in a JVM of its own. */
  public static final class Probe {

    static final String GROUP = "startup-bench-notifier";

    private Probe() {}

    /** Arguments: bootstrap servers, service, mode. */
    public static void main(String[] args) throws Exception {
      String bootstrap = args[0];
      String service = args[1];
      String mode = args[2];
      EventCodec codec = new EventCodec();
      Clock clock = Clock.systemUTC();
      long before = usedAfterGc();
      resetPeaks();
      long t0 = System.nanoTime();
      Object kept;
      long records;
      switch (service) {
        case "applier" -> {
          Checkpoints store = new Checkpoints(bootstrap, CheckpointTopic.APPLIER, BUDGET, clock);
          LogReplay replay =
              new LogReplay(
                  KafkaConnection.of(bootstrap),
                  codec,
                  BUDGET,
                  clock,
                  "full".equals(mode) ? null : store,
                  100_000,
                  Duration.ofDays(7));
          Rebuild.Result<LogReplay.Projection> r = replay.rebuild();
          if ("write-snapshot".equals(mode)) {
            r.checkpoint(store);
          }
          records = r.read().records() + r.read().poison();
          kept = r.projection();
        }
        case "differ" -> {
          Checkpoints store = new Checkpoints(bootstrap, CheckpointTopic.DIFFER, BUDGET, clock);
          LastPublished reader =
              new LastPublished(
                  KafkaConnection.of(bootstrap), codec, BUDGET, "full".equals(mode) ? null : store);
          Rebuild.Result<LastPublished.Projection> r = reader.rebuild();
          if ("write-snapshot".equals(mode)) {
            r.checkpoint(store);
          }
          records = r.read().records() + r.read().poison();
          kept = r.projection();
        }
        case "notifier" -> {
          NotifierEngine engine =
              new NotifierEngine(
                  new Notices(10_000),
                  new Router(List.of(), Map.of()),
                  new SentLedger(Duration.ofMinutes(5), 10_000),
                  new NotifierEngine.Sink() {
                    @Override
                    public void submit(String channel, Notice notice) {}

                    @Override
                    public boolean changeMode(String channel) {
                      return false;
                    }
                  },
                  new NotifierMetrics(new SimpleMeterRegistry()),
                  clock,
                  Duration.ofHours(1));
          Map<String, String> groups = new LinkedHashMap<>();
          for (Topic t : List.of(Topic.DIFFS, Topic.APPLIES, Topic.COMMITS)) {
            groups.put(t.topicName(), GROUP);
          }
          NotifierHistory.Summary s =
              new NotifierHistory(KafkaConnection.of(bootstrap), codec, clock, BUDGET)
                  .load(engine, groups, Duration.ofHours(1));
          records = s.notifications() + s.triggers();
          kept = engine;
        }
        case "git-watcher" -> {
          Checkpoint c =
              new CommitLogCheckpoints(KafkaConnection.of(bootstrap), codec, BUDGET)
                  .read(GeneratedLog.SOURCE);
          // It reads windows of 500 records backwards; it does not count them.
          records = -1;
          kept = c;
        }
        default -> throw new IllegalArgumentException(service);
      }
      long ms = (System.nanoTime() - t0) / 1_000_000;
      long peak = peak();
      long retained = usedAfterGc() - before;
      java.lang.ref.Reference.reachabilityFence(kept);
      System.out.printf(
          "ROW %-12s %-15s %,10d %,12d %,14d %,12d%n",
          service, mode, ms, records, retained >> 20, peak >> 20);
    }

    private static long usedAfterGc() {
      for (int i = 0; i < 3; i++) {
        System.gc();
      }
      return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static void resetPeaks() {
      heapPools().forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    private static long peak() {
      return heapPools().stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
    }

    private static List<MemoryPoolMXBean> heapPools() {
      return ManagementFactory.getMemoryPoolMXBeans().stream()
          .filter(p -> p.getType() == MemoryType.HEAP)
          .toList();
    }
  }
}
