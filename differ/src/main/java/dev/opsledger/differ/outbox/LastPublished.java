package dev.opsledger.differ.outbox;

import dev.opsledger.events.EventCodec;
import dev.opsledger.events.EventDecodingException;
import dev.opsledger.events.Topic;
import dev.opsledger.kafka.KafkaRecords;
import dev.opsledger.kafka.KafkaSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code opsledger.diffs} from the beginning to its end (as of the call) with a plain
 * consumer (no group, nothing committed) and answers what the last diff event of each resource
 * said: what consumers have already seen.
 */
public final class LastPublished {

  private static final Logger LOG = LoggerFactory.getLogger(LastPublished.class);

  private LastPublished() {}

  /**
   * The last published state per resource key.
   *
   * @throws IllegalStateException when the topic could not be read to its end within {@code
   *     timeout} (the caller must not publish then, or it could repeat what consumers saw)
   */
  public static Map<String, PublishedState> read(
      String bootstrapServers, EventCodec codec, Duration timeout) {
    Map<String, Object> settings = KafkaSettings.consumer(bootstrapServers, "unused");
    settings.remove(ConsumerConfig.GROUP_ID_CONFIG);
    settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    Map<String, PublishedState> last = new HashMap<>();
    Instant deadline = Instant.now().plus(timeout);
    int records = 0;
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(settings)) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(Topic.DIFFS.topicName(), timeout).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
      while (!reached(consumer, end)) {
        if (Instant.now().isAfter(deadline)) {
          throw new IllegalStateException(
              "could not read " + Topic.DIFFS.topicName() + " to its end within " + timeout);
        }
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          records++;
          remember(codec, r, last);
        }
      }
    }
    LOG.info(
        "read {} records of {}: last diff state of {} resources",
        records,
        Topic.DIFFS.topicName(),
        last.size());
    return last;
  }

  private static void remember(
      EventCodec codec, ConsumerRecord<String, byte[]> r, Map<String, PublishedState> last) {
    try {
      var envelope = codec.decode(KafkaRecords.fromKafkaHeaders(r.headers()), r.value());
      DiffEvents.stateOf(envelope.data()).ifPresent(s -> last.put(envelope.subject(), s));
    } catch (EventDecodingException e) {
      // Not ours to judge: the diffs' own consumers dead-letter it; it says nothing of a state.
      LOG.debug("skipping an unreadable record of {}: {}", r.topic(), e.getMessage());
    }
  }

  private static boolean reached(
      KafkaConsumer<String, byte[]> consumer, Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      if (consumer.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }
}
