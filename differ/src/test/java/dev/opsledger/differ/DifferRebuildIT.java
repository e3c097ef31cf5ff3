package dev.opsledger.differ;

import static dev.opsledger.differ.ItSupport.desired;
import static dev.opsledger.differ.ItSupport.live;
import static dev.opsledger.differ.ItSupport.manifest;
import static dev.opsledger.differ.ItSupport.observed;
import static dev.opsledger.differ.ItSupport.send;
import static dev.opsledger.testkit.TestAwait.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.differ.ItSupport.DiffsReader;
import dev.opsledger.differ.ItSupport.TestDatabase;
import dev.opsledger.events.DriftDetected;
import dev.opsledger.events.EventCodec;
import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.ResourceInSync;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.events.ResourceMissing;
import dev.opsledger.service.EventPublisher;
import dev.opsledger.testkit.SharedKafka;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Restart and rebuild: a restarted differ resumes where its outbox stopped (no event twice, new
 * changes published); a differ whose database was lost rebuilds from {@code opsledger.desired} and
 * {@code opsledger.observed} alone and publishes nothing consumers already saw.
 */
class DifferRebuildIT {

  static final Instant T1 = Instant.parse("2026-03-01T09:00:00Z");

  final String target = "rebuild-it-" + UUID.randomUUID().toString().substring(0, 8);

  ResourceKey key(String name) {
    return ResourceKey.of(target, "", "ConfigMap", "shop", name);
  }

  ConfigurableApplicationContext start(TestDatabase db, String group) {
    Map<String, Object> p = new LinkedHashMap<>(db.properties());
    p.put("opsledger.kafka.bootstrap-servers", SharedKafka.bootstrapServers());
    DifferConfiguration.FUNCTIONS.forEach(f -> p.put(f.groupProperty(), group));
    // Snapshots every 2 events, so that restarts load aggregates from snapshots too.
    p.put("opsledger.differ.snapshot-threshold", "2");
    p.put("server.port", "0");
    // As arguments: default properties would lose to the services' shared defaults.
    String[] args =
        p.entrySet().stream()
            .map(e -> "--" + e.getKey() + "=" + e.getValue())
            .toArray(String[]::new);
    return new SpringApplicationBuilder(DifferApplication.class).run(args);
  }

  @Test
  void resumesAfterARestartAndRebuildsALostDatabaseWithoutRepeatingDiffEvents() {
    ResourceKey a = key("a");
    ResourceKey b = key("b");
    ResourceKey c = key("c");
    try (TestDatabase db = TestDatabase.create();
        EventPublisher publisher =
            new EventPublisher(SharedKafka.bootstrapServers(), new EventCodec(), null);
        DiffsReader diffs = new DiffsReader(target)) {
      String firstGroup = "rebuild-it-" + UUID.randomUUID();
      try (var differ = start(db, firstGroup)) {
        send(
            publisher,
            List.of(
                desired(a, "rev1", manifest(a, "x"), T1),
                observed(a, live(a, "x", "1")),
                desired(b, "rev1", manifest(b, "x"), T1),
                observed(b, live(b, "drifted", "1")),
                desired(c, "rev1", manifest(c, "x"), T1),
                ItSupport.absent(c)));
        await("three first diff events").until(() -> diffs.poll().size() == 3);
      }

      try (var differ = start(db, firstGroup)) {
        send(
            publisher,
            List.of(
                observed(a, live(a, "x", "1")),
                observed(b, live(b, "drifted", "2")),
                observed(b, live(b, "x", "3"))));
        await("b back in sync after the restart").until(() -> diffs.poll().size() == 4);
      }
      assertThat(diffs.of(a)).hasSize(1);
      assertThat(diffs.of(b))
          .extracting(e -> e.data().getClass().getSimpleName())
          .containsExactly("DriftDetected", "ResourceInSync");
      assertThat(diffs.of(c).get(0).data()).isInstanceOf(ResourceMissing.class);

      db.wipe();
      try (var differ = start(db, "rebuild-it-" + UUID.randomUUID())) {
        ResourceKey d = key("d");
        send(
            publisher,
            List.of(desired(d, "rev1", manifest(d, "x"), T1), observed(d, live(d, "x", "1"))));
        // d's event is published after every replayed change before it (one segment, in order).
        await("the new resource's diff after the rebuild").until(() -> !ofKey(diffs, d).isEmpty());
      }
      assertThat(diffs.poll()).hasSize(5);
      assertThat(diffs.of(a)).hasSize(1);
      assertThat(diffs.of(b)).hasSize(2);
      assertThat(diffs.of(c)).hasSize(1);
      assertThat(diffs.of(a).get(0).data()).isInstanceOf(ResourceInSync.class);
      assertThat(diffs.of(b).get(0).data()).isInstanceOf(DriftDetected.class);
    }
  }

  private static List<EventEnvelope<dev.opsledger.events.OpsLedgerEvent>> ofKey(
      DiffsReader diffs, ResourceKey key) {
    diffs.poll();
    return diffs.of(key);
  }

  /**
   * A crash after a poll's transaction committed and before its offsets did: the restarted differ
   * is handed the whole poll again and appends nothing, so no diff event is published twice.
   */
  @Test
  void aPollDeliveredAgainAfterACrashPublishesNoDiffEventTwice() throws Exception {
    List<ResourceKey> resources =
        java.util.stream.IntStream.range(0, 20).mapToObj(i -> key("crash-" + i)).toList();
    String group = "rebuild-it-" + UUID.randomUUID();
    try (TestDatabase db = TestDatabase.create();
        EventPublisher publisher =
            new EventPublisher(SharedKafka.bootstrapServers(), new EventCodec(), null);
        DiffsReader diffs = new DiffsReader(target);
        Admin admin = Admin.create(Map.of("bootstrap.servers", SharedKafka.bootstrapServers()))) {
      Map<TopicPartition, OffsetAndMetadata> beforeThePoll = endOffsets(admin);
      try (var differ = start(db, group)) {
        List<EventEnvelope<dev.opsledger.events.OpsLedgerEvent>> inputs = new ArrayList<>();
        for (ResourceKey r : resources) {
          inputs.add(desired(r, "rev1", manifest(r, "x"), T1));
          inputs.add(observed(r, live(r, r.name().endsWith("7") ? "drifted" : "x", "1")));
        }
        send(publisher, inputs);
        await("a diff event per resource").until(() -> diffs.poll().size() == resources.size());
      }
      // The offsets as they were before the poll: the state a crash right after the
      // transaction's commit leaves behind.
      admin.alterConsumerGroupOffsets(group, beforeThePoll).all().get();

      try (var differ = start(db, group)) {
        var registry = differ.getBean(DifferMetrics.class).registry();
        await("every record of the poll delivered again, each a duplicate")
            .until(
                () ->
                    registry.counter("opsledger.differ.inputs", "outcome", "DUPLICATE").count()
                        >= 2.0 * resources.size());
        // The outbox publishes in the store's order: a diff the redelivery appended would come
        // before the marker's, whose inputs are sent after the redelivery was handled.
        ResourceKey marker = key("marker");
        send(
            publisher,
            List.of(
                desired(marker, "rev1", manifest(marker, "x"), T1),
                observed(marker, live(marker, "x", "1"))));
        await("the marker after the poll delivered again")
            .until(() -> !ofKey(diffs, marker).isEmpty());
      }
      for (ResourceKey r : resources) {
        assertThat(diffs.of(r)).hasSize(1);
      }
    }
  }

  /** The end of every partition of the inputs now, as committed offsets. */
  private static Map<TopicPartition, OffsetAndMetadata> endOffsets(Admin admin) throws Exception {
    Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
    for (var topic :
        admin
            .describeTopics(
                List.of(
                    dev.opsledger.events.Topic.DESIRED.topicName(),
                    dev.opsledger.events.Topic.OBSERVED.topicName()))
            .allTopicNames()
            .get()
            .values()) {
      topic
          .partitions()
          .forEach(
              p ->
                  latest.put(new TopicPartition(topic.name(), p.partition()), OffsetSpec.latest()));
    }
    Map<TopicPartition, OffsetAndMetadata> out = new LinkedHashMap<>();
    admin
        .listOffsets(latest)
        .all()
        .get()
        .forEach((tp, info) -> out.put(tp, new OffsetAndMetadata(info.offset())));
    return out;
  }
}
