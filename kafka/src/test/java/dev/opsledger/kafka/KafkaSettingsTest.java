package dev.opsledger.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every client configuration starts from the connection's extra properties. */
class KafkaSettingsTest {

  private static final KafkaConnection SECURED =
      new KafkaConnection(
          "kafka:9093",
          Map.of(
              "security.protocol", "SASL_SSL",
              "sasl.mechanism", "SCRAM-SHA-512",
              "sasl.jaas.config", "ScramLoginModule required username=\"a\" password=\"pw\";",
              // An extra property cannot weaken what the contract needs.
              "enable.idempotence", "false",
              "isolation.level", "read_uncommitted",
              "bootstrap.servers", "elsewhere:9092"));

  @Test
  void producersConsumersAndAdminClientsTakeTheExtraProperties() {
    for (Map<String, Object> config :
        new Map[] {
          KafkaSettings.producer(SECURED),
          KafkaSettings.consumer(SECURED, "g"),
          KafkaSettings.admin(SECURED)
        }) {
      assertThat(config)
          .containsEntry("security.protocol", "SASL_SSL")
          .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
          .containsEntry("bootstrap.servers", "kafka:9093");
    }
  }

  @Test
  void theContractsOwnSettingsWinOverAnExtraProperty() {
    assertThat(KafkaSettings.producer(SECURED)).containsEntry("enable.idempotence", "true");
    assertThat(KafkaSettings.consumer(SECURED, "g"))
        .containsEntry("isolation.level", "read_committed");
  }

  @Test
  void aConnectionNamesItsPropertiesButNeverTheirValues() {
    assertThat(SECURED.toString()).contains("sasl.jaas.config").doesNotContain("pw");
    assertThat(KafkaConnection.of("kafka:9092").secured()).isFalse();
    assertThat(SECURED.secured()).isTrue();
  }
}
