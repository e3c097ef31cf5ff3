package dev.opsledger.cli.bench;

import dev.opsledger.audit.AuditService;
import dev.opsledger.audit.LiveFollower;
import dev.opsledger.events.EncodedEvent;
import dev.opsledger.events.EventCodec;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.events.Topic;
import dev.opsledger.kafka.KafkaConnection;
import dev.opsledger.kafka.KafkaRecords;
import dev.opsledger.kafka.KafkaSettings;
import dev.opsledger.kafka.TopicBootstrapper;
import dev.opsledger.sandbox.kafka.EmbeddedKafkaBroker;
import dev.opsledger.testkit.GeneratedLog;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;

/**
 * The audit at scale: fills an on-disk embedded broker with a generated log (default 10,000
 * resources × 2 rounds ≈ 100,000 events; {@code -Dbench.rounds=20} for about 1,000,000), then, each
 * in a JVM of its own with a 256 MB heap, builds the audit store (offset index and snapshots) and
 * asks history, state-at, status and who through it, each followed in the same JVM by a bare
 * consumer (no decoding) reading the same partitions from their start. Prints time, records and
 * peak heap, and the ratio of each answer's time to its bare read. Never asserts times.
 *
 * <p>Run: {@code ./mvnw -B -ntp -o -pl cli -am -Pbench-audit -DskipTests verify}.
 */
public final class AuditBenchmark {

  private AuditBenchmark() {}

  /** Fills the broker, then runs each probe in a child JVM and prints the figures. */
  public static void main(String[] args) throws Exception {
    int resources = Integer.getInteger("bench.resources", 10_000);
    int rounds = Integer.getInteger("bench.rounds", 2);
    Path dir = Path.of(System.getProperty("bench.dir", "target/audit-bench"));
    Files.createDirectories(dir);
    try (EmbeddedKafkaBroker broker =
        EmbeddedKafkaBroker.builder()
            .dataDir(dir.resolve("kafka"))
            .brokerProperty("log.retention.check.interval.ms", "86400000")
            .build()
            .start()) {
      String bootstrap = broker.bootstrapServers();
      try (Admin admin =
          Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
        new TopicBootstrapper(admin, (short) 1, Duration.ofMinutes(1)).ensureCatalogue();
      }
      Instant start = Instant.now().minus(Duration.ofSeconds((long) resources * rounds * 5));
      long t0 = System.nanoTime();
      // -Dbench.fill=false re-measures the log a previous run left in bench.dir.
      long events =
          Boolean.parseBoolean(System.getProperty("bench.fill", "true"))
              ? fill(bootstrap, new GeneratedLog(resources, rounds, start, 42))
              : 0;
      System.out.printf(
          "filled %,d events over %,d resources in %,d ms%n",
          events, resources, (System.nanoTime() - t0) / 1_000_000);
      // -Dbench.store=<dir> asks again through a store a previous run built (its build is then
      // only a catch-up); -Dbench.probes= picks the questions.
      Path store =
          System.getProperty("bench.store", "").isBlank()
              ? dir.resolve("store-" + System.currentTimeMillis())
              : Path.of(System.getProperty("bench.store"));
      String mid = start.plusSeconds((long) resources * rounds * 5 / 2).toString();
      List<String> rows = new ArrayList<>();
      for (String probe :
          System.getProperty(
                  "bench.probes", "build,history,state-at-mid,state-at-now,status,who,timeline")
              .split(",")) {
        rows.add(probe(bootstrap, store, probe, mid));
      }
      System.out.println();
      System.out.printf(
          "%-14s %10s %10s %12s %10s %12s %12s %8s%n",
          "question",
          "cold ms",
          "warm ms",
          "answer size",
          "peak MB",
          "bare ms",
          "bare records",
          "ratio");
      rows.forEach(System.out::println);
    }
  }

  private static String probe(String bootstrap, Path store, String probe, String mid)
      throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx" + System.getProperty("bench.probe.xmx", "256m"));
    command.add("-XX:+UseSerialGC");
    // The CLI's launcher runs C1 only (faster to start); -Dbench.probe.opts= adds others, e.g. a
    // flight recording.
    command.add("-XX:TieredStopAtLevel=1");
    for (String opt : System.getProperty("bench.probe.opts", "").split(" ")) {
      if (!opt.isBlank()) {
        command.add(opt.replace("{probe}", probe));
      }
    }
    command.add("-Dbench.resources=" + Integer.getInteger("bench.resources", 10_000));
    command.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            Probe.class.getName(),
            bootstrap,
            store.toString(),
            probe,
            mid));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    return ProbeOutput.row(p, probe, line -> line.contains("ERROR") || line.contains("Exception"));
  }

  private static long fill(String bootstrap, GeneratedLog log) {
    EventCodec codec = new EventCodec();
    Map<String, Object> config = KafkaSettings.producer(bootstrap);
    config.put(ProducerConfig.LINGER_MS_CONFIG, "50");
    config.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(512 * 1024));
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config)) {
      long n =
          log.write(
              e -> {
                EncodedEvent encoded = codec.encode(e);
                ProducerRecord<String, byte[]> r = KafkaRecords.toProducerRecord(encoded);
                producer.send(
                    new ProducerRecord<>(
                        r.topic(), null, e.time().toEpochMilli(), r.key(), r.value(), r.headers()));
              });
      producer.flush();
      return n;
    }
  }

  /** One question in a JVM of its own, then a bare read of the same partitions. */
  public static final class Probe {

    private Probe() {}

    /** Arguments: bootstrap servers, store directory, question, a mid-log time. */
    public static void main(String[] args) throws Exception {
      String bootstrap = args[0];
      KafkaConnection connection = KafkaConnection.of(bootstrap);
      AuditService audit = new AuditService(connection, Path.of(args[1]));
      String probe = args[2];
      ResourceKey key = GeneratedLog.key(4_242 % Integer.getInteger("bench.resources", 10_000));
      resetPeaks();
      Set<Topic> topics =
          switch (probe) {
            case "build", "history" -> EnumSet.complementOf(EnumSet.of(Topic.COMMITS));
            case "who" -> EnumSet.of(Topic.COMMITS, Topic.DESIRED, Topic.APPROVALS);
            case "timeline" -> EnumSet.allOf(Topic.class);
            default -> EnumSet.of(Topic.DESIRED, Topic.OBSERVED, Topic.DIFFS, Topic.APPLIES);
          };
      boolean keyOnly = probe.equals("history");
      long t0 = System.nanoTime();
      long records = ask(audit, probe, key, args[3]);
      long cold = (System.nanoTime() - t0) / 1_000_000;
      // The same question again in the same JVM: what a long-lived audit API pays (for status, the
      // same live view's next refresh: what the API's status and `up`'s status table pay).
      t0 = System.nanoTime();
      ask(audit, probe, key, args[3]);
      long ms = (System.nanoTime() - t0) / 1_000_000;
      long peak = peak();
      long b0 = System.nanoTime();
      long bare = bareRead(connection, topics, keyOnly ? key.toString() : null);
      long bareMs = (System.nanoTime() - b0) / 1_000_000;
      System.out.printf(
          "ROW %-14s %,10d %,10d %,12d %,10d %,12d %,12d %8.2f%n",
          probe,
          cold,
          ms,
          records,
          peak >> 20,
          bareMs,
          bare,
          bareMs == 0 ? 0.0 : (double) ms / bareMs);
    }

    private static LiveFollower follower;

    /** Asks the question; returns the size of the answer (entries, resources, changes). */
    private static long ask(AuditService audit, String probe, ResourceKey key, String mid) {
      return switch (probe) {
        case "build" -> {
          audit.maintain();
          yield -1;
        }
        case "history" -> audit.history(key, null, null).entries().size();
        case "state-at-mid" -> audit.stateAt(Instant.parse(mid)).resources().size();
        case "state-at-now" -> audit.stateAt(Instant.now()).resources().size();
        case "status" -> {
          if (follower == null) {
            follower = audit.liveView();
          }
          yield follower.refresh().resources().size();
        }
        case "who" -> {
          Instant now = Instant.now();
          yield audit.who(now.minus(Duration.ofHours(2)), now).size();
        }
        case "timeline" -> audit.timeline(GeneratedLog.sha(10)).steps().size();
        default -> throw new IllegalArgumentException(probe);
      };
    }

    /** A plain consumer reads the partitions from their start to their end; returns records. */
    private static long bareRead(KafkaConnection connection, Set<Topic> topics, String key) {
      Map<String, Object> config = KafkaSettings.consumer(connection, null);
      config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
      long n = 0;
      try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(config)) {
        List<TopicPartition> tps = new ArrayList<>();
        for (Topic t : topics) {
          List<PartitionInfo> infos = c.partitionsFor(t.topicName());
          for (PartitionInfo i : infos) {
            if (key == null
                || i.partition()
                    == Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8)))
                        % infos.size()) {
              tps.add(new TopicPartition(t.topicName(), i.partition()));
            }
          }
        }
        c.assign(tps);
        c.seekToBeginning(tps);
        Map<TopicPartition, Long> end = c.endOffsets(tps);
        while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
          for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
            n++;
          }
        }
      }
      return n;
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
