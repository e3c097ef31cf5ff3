package dev.opsledger.bench;

import dev.opsledger.sandbox.kafka.EmbeddedKafkaBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * How many records a finished run wrote to each of its topics: its broker's log directory is opened
 * again by an embedded broker of the same code after the run, so nothing is measured while the
 * pipeline runs.
 */
final class LogCounts {

  private LogCounts() {}

  /** Records per topic, and per {@code ce_type} on {@code opsledger.applies}. */
  record Counts(Map<String, Long> perTopic, Map<String, Long> appliesPerType) {}

  static Counts count(Path kafkaDir) throws Exception {
    try (EmbeddedKafkaBroker broker =
            EmbeddedKafkaBroker.builder()
                .dataDir(kafkaDir)
                .brokerPort(0)
                .controllerPort(0)
                .build()
                .start();
        Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
      var topics =
          admin.listTopics().names().get().stream()
              .filter(t -> t.startsWith("opsledger.") && !t.endsWith(".dlq"))
              .collect(Collectors.toSet());
      var partitions =
          admin.describeTopics(topics).allTopicNames().get().values().stream()
              .flatMap(
                  d ->
                      d.partitions().stream().map(p -> new TopicPartition(d.name(), p.partition())))
              .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
      Map<String, Long> counts = new TreeMap<>();
      admin
          .listOffsets(partitions)
          .all()
          .get()
          .forEach((tp, info) -> counts.merge(tp.topic(), info.offset(), Long::sum));
      return new Counts(
          counts,
          perType(broker.bootstrapServers(), "opsledger.applies", counts.get("opsledger.applies")));
    }
  }

  private static Map<String, Long> perType(String bootstrap, String topic, Long expected) {
    Map<String, Long> types = new TreeMap<>();
    if (expected == null || expected == 0) {
      return types;
    }
    Map<String, Object> c =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
            ByteArrayDeserializer.class,
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
            ByteArrayDeserializer.class,
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false);
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c)) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      var end = consumer.endOffsets(partitions);
      long idle = 0;
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp)) && idle < 20) {
        var records = consumer.poll(Duration.ofMillis(500));
        idle = records.isEmpty() ? idle + 1 : 0;
        records.forEach(
            r -> {
              Header type = r.headers().lastHeader("ce_type");
              String name =
                  type == null ? "(none)" : new String(type.value(), StandardCharsets.UTF_8);
              types.merge(name.substring(name.lastIndexOf('.') + 1), 1L, Long::sum);
            });
      }
    }
    return types;
  }
}
