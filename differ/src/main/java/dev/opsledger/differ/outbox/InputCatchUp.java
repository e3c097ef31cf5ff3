package dev.opsledger.differ.outbox;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits until the differ's input consumer groups have consumed their topics up to the end offsets
 * seen when the wait began: the moment a rebuild's aggregates hold everything the log had.
 */
public final class InputCatchUp {

  private static final Logger LOG = LoggerFactory.getLogger(InputCatchUp.class);
  private static final Duration POLL = Duration.ofMillis(250);

  private final String bootstrapServers;
  private final Map<String, String> groupByTopic;

  /**
   * Creates the waiter.
   *
   * @param bootstrapServers the brokers
   * @param groupByTopic the consumer group of each input topic
   */
  public InputCatchUp(String bootstrapServers, Map<String, String> groupByTopic) {
    this.bootstrapServers = bootstrapServers;
    this.groupByTopic = Map.copyOf(groupByTopic);
  }

  /**
   * Waits for the groups to catch up.
   *
   * @return true when they did, false when {@code timeout} passed first
   * @throws InterruptedException when the wait was interrupted (shutdown)
   */
  public boolean await(Duration timeout) throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      Map<TopicPartition, Long> end = endOffsets(admin);
      LOG.info("waiting for the input groups {} to reach {} records", groupByTopic, total(end));
      while (Instant.now().isBefore(deadline)) {
        if (caughtUp(admin, end)) {
          return true;
        }
        Thread.sleep(POLL.toMillis());
      }
      return false;
    } catch (ExecutionException e) {
      LOG.warn("cannot read offsets: {}", e.getCause().toString());
      return false;
    }
  }

  private Map<TopicPartition, Long> endOffsets(Admin admin)
      throws ExecutionException, InterruptedException {
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    var descriptions =
        admin.describeTopics(List.copyOf(groupByTopic.keySet())).allTopicNames().get();
    descriptions.forEach(
        (topic, d) ->
            d.partitions()
                .forEach(
                    p ->
                        request.put(
                            new TopicPartition(topic, p.partition()), OffsetSpec.latest())));
    Map<TopicPartition, Long> end = new HashMap<>();
    for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> e :
        admin.listOffsets(request).all().get().entrySet()) {
      if (e.getValue().offset() > 0) {
        end.put(e.getKey(), e.getValue().offset());
      }
    }
    return end;
  }

  private boolean caughtUp(Admin admin, Map<TopicPartition, Long> end)
      throws ExecutionException, InterruptedException {
    Map<String, Map<TopicPartition, OffsetAndMetadata>> committed = new HashMap<>();
    for (String group : Map.copyOf(groupByTopic).values()) {
      if (!committed.containsKey(group)) {
        committed.put(
            group, admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get());
      }
    }
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      OffsetAndMetadata at = committed.get(groupByTopic.get(e.getKey().topic())).get(e.getKey());
      if (at == null || at.offset() < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  private static long total(Map<TopicPartition, Long> end) {
    return end.values().stream().mapToLong(Long::longValue).sum();
  }
}
