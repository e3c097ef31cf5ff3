package dev.opsledger.testkit;

import static dev.opsledger.testkit.TestAwait.await;

import dev.opsledger.events.Topic;
import dev.opsledger.kafka.KafkaSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/** What the dead-letter topics of the catalogue hold, for tests that must end with none. */
public final class DeadLetters {

  private DeadLetters() {}

  /**
   * Every record of every dead-letter topic on the broker, as {@code "<topic>: <key>"}, read to the
   * end each partition has now. Meant for a broker the test owns: records other tests left count.
   */
  public static List<String> read(String bootstrapServers) {
    List<String> found = new ArrayList<>();
    try (var consumer =
        new KafkaConsumer<String, byte[]>(KafkaSettings.consumer(bootstrapServers, null))) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (Topic t : Topic.values()) {
        consumer.partitionsFor(t.dlqName()).stream()
            .map(p -> new TopicPartition(p.topic(), p.partition()))
            .forEach(partitions::add);
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      await("every dead-letter topic is read to its end")
          .until(
              () -> {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                  found.add(r.topic() + ": " + r.key());
                }
                return partitions.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp));
              });
    }
    return found;
  }
}
