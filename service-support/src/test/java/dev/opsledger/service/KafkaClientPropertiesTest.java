package dev.opsledger.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.kafka.KafkaSettings;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * {@code opsledger.kafka.properties.*} reaches every client: the ones OpsLedger builds and the
 * binder's, set in a properties file or, as {@code deploy/} does, from environment variables.
 */
class KafkaClientPropertiesTest {

  private static final String JAAS =
      "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"differ\""
          + " password=\"s3cret\";";

  @Test
  void environmentVariablesBecomeClientPropertiesOfTheServiceAndOfTheBinder() {
    StandardEnvironment env = new StandardEnvironment();
    // Spring maps FOO_BAR names only in a source with the system environment's name.
    env.getPropertySources()
        .replace(
            StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
            new SystemEnvironmentPropertySource(
                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                Map.of(
                    "OPSLEDGER_KAFKA_PROPERTIES_SECURITY_PROTOCOL", "SASL_SSL",
                    "OPSLEDGER_KAFKA_PROPERTIES_SASL_MECHANISM", "SCRAM-SHA-512",
                    "OPSLEDGER_KAFKA_PROPERTIES_SASL_JAAS_CONFIG", JAAS)));

    new OpsLedgerDefaultsPostProcessor().postProcessEnvironment(env, new SpringApplication());

    OpsLedgerKafkaProperties props =
        Binder.get(env).bind("opsledger.kafka", OpsLedgerKafkaProperties.class).get();
    assertThat(props.properties())
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
        .containsEntry("sasl.jaas.config", JAAS);
    assertThat(
            Binder.get(env)
                .bind(
                    "spring.cloud.stream.kafka.binder.configuration",
                    Bindable.mapOf(String.class, String.class))
                .get())
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
        .containsEntry("sasl.jaas.config", JAAS);
  }

  @Test
  void aBinderSettingOfTheUserWinsOverTheCopiedOne() {
    StandardEnvironment env = new StandardEnvironment();
    env.getPropertySources()
        .addFirst(
            new MapPropertySource(
                "application",
                Map.of(
                    "opsledger.kafka.properties.client.dns.lookup",
                    "use_all_dns_ips",
                    "spring.cloud.stream.kafka.binder.configuration.client.dns.lookup",
                    "resolve_canonical_bootstrap_servers_only")));

    new OpsLedgerDefaultsPostProcessor().postProcessEnvironment(env, new SpringApplication());

    assertThat(env.getProperty("spring.cloud.stream.kafka.binder.configuration.client.dns.lookup"))
        .isEqualTo("resolve_canonical_bootstrap_servers_only");
  }

  @Test
  void withoutPropertiesTheBinderGetsNoneAndTheClientsArePlaintext() {
    StandardEnvironment env = new StandardEnvironment();

    new OpsLedgerDefaultsPostProcessor().postProcessEnvironment(env, new SpringApplication());

    assertThat(
            env.getPropertySources()
                .contains(OpsLedgerDefaultsPostProcessor.BINDER_CLIENT_PROPERTIES))
        .isFalse();
    OpsLedgerKafkaProperties props =
        Binder.get(env).bind("opsledger.kafka", OpsLedgerKafkaProperties.class).get();
    assertThat(KafkaSettings.producer(props.connection()))
        .doesNotContainKeys("security.protocol", "sasl.jaas.config");
  }

  @Test
  void thePropertiesNeverPrintTheirValues() {
    OpsLedgerKafkaProperties props =
        new OpsLedgerKafkaProperties(
            "kafka:9093",
            true,
            (short) -1,
            java.time.Duration.ofSeconds(60),
            "/opsledger",
            Map.of("sasl.jaas.config", JAAS));

    assertThat(props.toString()).contains("sasl.jaas.config").doesNotContain("s3cret");
    assertThat(props.connection().toString()).doesNotContain("s3cret");
  }
}
