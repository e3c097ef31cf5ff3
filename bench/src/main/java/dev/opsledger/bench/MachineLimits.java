package dev.opsledger.bench;

import dev.opsledger.sandbox.kafka.EmbeddedKafkaBroker;
import dev.opsledger.sandbox.kubernetes.KubernetesEmulator;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The machine's limits, measured in the same run as the pipeline and with the same code it embeds:
 * a bare fabric8 server-side-apply loop on the Kubernetes emulator (with persistence on, as under
 * {@code up}), and raw produce then consume on the embedded broker with records of the pipeline's
 * size, written as the services write (idempotent producer, {@code acks=all}).
 */
final class MachineLimits {

  /** Bytes of a typical pipeline record body (a ConfigMap's desired or observed event). */
  static final int RECORD_BYTES = 2048;

  record Limits(double applyPerSecond, double producePerSecond, double consumePerSecond) {}

  private MachineLimits() {}

  static Limits measure(Path dir, int applies, int records) throws Exception {
    double apply = bareServerSideApply(dir.resolve("cluster"), applies);
    double[] kafka = rawProduceConsume(dir.resolve("kafka"), records);
    return new Limits(apply, kafka[0], kafka[1]);
  }

  static double bareServerSideApply(Path dataDir, int n) {
    try (KubernetesEmulator emulator =
        KubernetesEmulator.builder().dataDirectory(dataDir).start()) {
      KubernetesClient client = emulator.client();
      client
          .resource(new NamespaceBuilder().withNewMetadata().withName("bare").endMetadata().build())
          .serverSideApply();
      long start = System.nanoTime();
      for (int i = 0; i < n; i++) {
        client
            .resource(
                new ConfigMapBuilder()
                    .withNewMetadata()
                    .withName(String.format("cm-%05d", i))
                    .withNamespace("bare")
                    .endMetadata()
                    .withData(Map.of("index", Integer.toString(i), "greeting", "hello " + i))
                    .build())
            .fieldManager("bench")
            .forceConflicts()
            .serverSideApply();
      }
      return n / ((System.nanoTime() - start) / 1e9);
    }
  }

  /** Records per second produced (acknowledged) and then consumed, on a 3-partition topic. */
  static double[] rawProduceConsume(Path dataDir, int n) throws Exception {
    try (EmbeddedKafkaBroker broker =
        EmbeddedKafkaBroker.builder()
            .dataDir(dataDir)
            .brokerPort(0)
            .controllerPort(0)
            .build()
            .start()) {
      String topic = "bench.raw";
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
        admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
      }
      byte[] body = new byte[RECORD_BYTES];
      new Random(17).nextBytes(body);
      Properties p = new Properties();
      p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
      p.put(ProducerConfig.ACKS_CONFIG, "all");
      p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
      p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
      p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
      long start = System.nanoTime();
      try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p)) {
        for (int i = 0; i < n; i++) {
          producer.send(new ProducerRecord<>(topic, "in-cluster/v1/ConfigMap/ns/cm-" + i, body));
        }
        producer.flush();
      }
      double produced = n / ((System.nanoTime() - start) / 1e9);
      Properties c = new Properties();
      c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
      c.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-raw");
      c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
      c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
      c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
      start = System.nanoTime();
      int read = 0;
      try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(c)) {
        consumer.subscribe(List.of(topic));
        while (read < n) {
          read += consumer.poll(Duration.ofMillis(500)).count();
        }
        consumer.commitSync();
      }
      double consumed = n / ((System.nanoTime() - start) / 1e9);
      return new double[] {produced, consumed};
    }
  }
}
