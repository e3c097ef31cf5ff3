package dev.opsledger.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.opsledger.events.CheckpointTopic;
import dev.opsledger.events.Topic;
import dev.opsledger.sandbox.kafka.EmbeddedKafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The topic catalogue and the client settings on a real broker, fresh for each test. */
class TopicBootstrapperIT {

  private static final String TOPIC = Topic.DIFFS.topicName();

  @TempDir Path dataDir;

  @Test
  void bootstrappingTheCatalogueTwiceChangesNothingTheSecondTime() throws Exception {
    try (var broker = EmbeddedKafkaBroker.builder().dataDir(dataDir).build().start();
        Admin admin = admin(broker.bootstrapServers())) {
      var bootstrapper = new TopicBootstrapper(admin, (short) 1, Duration.ofSeconds(30));
      var first = bootstrapper.ensureCatalogue();
      assertThat(first.created()).contains(TOPIC, Topic.DIFFS.dlqName(), "opsledger.commits");
      assertThat(first.created())
          .hasSize(Topic.values().length * 2 + CheckpointTopic.values().length);

      var second = bootstrapper.ensureCatalogue();
      assertThat(second.changedNothing()).isTrue();
      assertThat(second.unchanged())
          .hasSize(Topic.values().length * 2 + CheckpointTopic.values().length);

      var diffs = admin.describeTopics(List.of(TOPIC)).allTopicNames().get().get(TOPIC);
      assertThat(diffs.partitions()).hasSize(12);
      assertThat(configValue(admin, TOPIC, "retention.ms")).isEqualTo("-1");
      assertThat(configValue(admin, TOPIC, "max.message.bytes"))
          .isEqualTo(Integer.toString(Topic.MAX_RECORD_BYTES));
      assertThat(configValue(admin, Topic.OBSERVED.topicName(), "retention.ms"))
          .isEqualTo(Long.toString(Duration.ofDays(7).toMillis()));
    }
  }

  @Test
  void bootstrapRestoresAConfigurationSomeoneChanged() throws Exception {
    try (var broker = EmbeddedKafkaBroker.builder().dataDir(dataDir).build().start();
        Admin admin = admin(broker.bootstrapServers())) {
      var bootstrapper = new TopicBootstrapper(admin, (short) 1, Duration.ofSeconds(30));
      bootstrapper.ensureCatalogue();
      var resource = new ConfigResource(ConfigResource.Type.TOPIC, TOPIC);
      admin
          .incrementalAlterConfigs(
              Map.of(
                  resource,
                  List.of(
                      new org.apache.kafka.clients.admin.AlterConfigOp(
                          new ConfigEntry("retention.ms", "1000"),
                          org.apache.kafka.clients.admin.AlterConfigOp.OpType.SET))))
          .all()
          .get();
      await("the broker serves the changed retention")
          .atMost(Duration.ofSeconds(30))
          .until(() -> "1000".equals(configValue(admin, TOPIC, "retention.ms")));

      var report = bootstrapper.ensureCatalogue();

      assertThat(report.reconfigured()).containsExactly(TOPIC);
      assertThat(configValue(admin, TOPIC, "retention.ms")).isEqualTo("-1");
    }
  }

  @Test
  void carriesARecordLargerThanKafkasDefaultLimit() throws Exception {
    try (var broker = EmbeddedKafkaBroker.builder().dataDir(dataDir).build().start();
        Admin admin = admin(broker.bootstrapServers())) {
      new TopicBootstrapper(admin, (short) 1, Duration.ofSeconds(30)).ensureCatalogue();
      byte[] big = new byte[3 * 1024 * 1024];
      for (int i = 0; i < big.length; i++) {
        big[i] = (byte) ('a' + (i * 7919 % 26));
      }
      try (var producer =
          new KafkaProducer<String, byte[]>(KafkaSettings.producer(broker.bootstrapServers()))) {
        producer.send(new ProducerRecord<>(Topic.DESIRED.topicName(), "crd", big)).get();
      }
      try (var consumer =
          new KafkaConsumer<String, byte[]>(
              KafkaSettings.consumer(broker.bootstrapServers(), "big-record"))) {
        consumer.subscribe(List.of(Topic.DESIRED.topicName()));
        List<byte[]> values = new ArrayList<>();
        await("the 3 MiB record is consumed")
            .atMost(Duration.ofSeconds(60))
            .until(
                () -> {
                  consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
                  return !values.isEmpty();
                });
        assertThat(values.get(0)).isEqualTo(big);
      }
    }
  }

  private static String configValue(Admin admin, String topic, String key) throws Exception {
    var resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    return admin.describeConfigs(List.of(resource)).all().get().get(resource).get(key).value();
  }

  private static Admin admin(String bootstrap) {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
  }
}
