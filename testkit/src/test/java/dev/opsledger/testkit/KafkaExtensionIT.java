package dev.opsledger.testkit;

import static dev.opsledger.testkit.TestAwait.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.kafka.KafkaSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaExtension.class)
class KafkaExtensionIT {

  @Test
  void givesEveryTestTheSameWorkingBroker(KafkaEndpoint first, KafkaEndpoint second)
      throws Exception {
    assertThat(second).isSameAs(first);
    if (System.getenv(SharedKafka.BOOTSTRAP_ENV) == null) {
      assertThat(first.kind()).isNotEqualTo(KafkaEndpoint.Kind.EXTERNAL);
    }
    String topic = "testkit-" + UUID.randomUUID();
    try (var producer =
        new KafkaProducer<String, byte[]>(KafkaSettings.producer(first.bootstrapServers()))) {
      producer.send(new ProducerRecord<>(topic, "k", "hello".getBytes())).get();
    }
    List<String> seen = new ArrayList<>();
    try (var consumer =
        new KafkaConsumer<String, byte[]>(
            KafkaSettings.consumer(first.bootstrapServers(), "testkit-" + UUID.randomUUID()))) {
      consumer.subscribe(List.of(topic));
      await("the record comes back from the shared broker")
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(100)).forEach(r -> seen.add(new String(r.value())));
                return !seen.isEmpty();
              });
    }
    assertThat(seen).containsExactly("hello");
  }
}
