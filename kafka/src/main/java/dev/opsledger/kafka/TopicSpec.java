package dev.opsledger.kafka;

import dev.opsledger.events.CheckpointTopic;
import dev.opsledger.events.Topic;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A topic as it should exist: name, partitions and the configuration keys OpsLedger owns.
 *
 * @param name the topic name
 * @param partitions the partition count to create it with
 * @param config topic configuration; only these keys are compared and changed
 */
public record TopicSpec(String name, int partitions, Map<String, String> config) {

  /** Copies the configuration. */
  public TopicSpec {
    config = Map.copyOf(config);
    if (partitions < 1) {
      throw new IllegalArgumentException("a topic needs at least one partition: " + name);
    }
  }

  /** Every catalogue topic and its dead-letter topic, then the checkpoint topics. */
  public static List<TopicSpec> catalogue() {
    List<TopicSpec> specs = new ArrayList<>();
    for (Topic t : Topic.values()) {
      specs.add(new TopicSpec(t.topicName(), t.partitions(), t.config()));
      specs.add(new TopicSpec(t.dlqName(), t.partitions(), t.dlqConfig()));
    }
    for (CheckpointTopic t : CheckpointTopic.values()) {
      specs.add(new TopicSpec(t.topicName(), t.partitions(), t.config()));
    }
    return specs;
  }
}
