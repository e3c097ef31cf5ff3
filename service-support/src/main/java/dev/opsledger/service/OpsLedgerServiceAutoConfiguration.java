package dev.opsledger.service;

import dev.opsledger.events.EventCodec;
import dev.opsledger.events.SecretProtector;
import dev.opsledger.kafka.KafkaSettings;
import dev.opsledger.kafka.TopicBootstrapper;
import dev.opsledger.service.tracing.EventTracing;
import dev.opsledger.service.tracing.OpsLedgerTracingProperties;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.apache.kafka.clients.admin.Admin;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Lazy;
import org.springframework.core.env.Environment;

/** The beans every OpsLedger service gets. */
@AutoConfiguration
@EnableConfigurationProperties({
  OpsLedgerKafkaProperties.class,
  OpsLedgerSecretsProperties.class,
  OpsLedgerTracingProperties.class
})
public class OpsLedgerServiceAutoConfiguration {

  /** The contract's codec with every upcaster. */
  @Bean
  @ConditionalOnMissingBean
  public EventCodec eventCodec() {
    return new EventCodec();
  }

  /**
   * Creates the topic catalogue before any binding or producer starts, so that topics get their
   * configuration from the catalogue rather than from the binder's defaults.
   */
  @Bean
  public TopicCatalogInitializer topicCatalogInitializer(OpsLedgerKafkaProperties props) {
    return new TopicCatalogInitializer(props);
  }

  /**
   * The services' spans: exported over OTLP/HTTP when an endpoint is configured ({@link
   * OpsLedgerTracingProperties#tracesEndpoint}), else trace context only passes through. One per
   * context: under {@code opsledger up} the five services share it, and each span names its
   * service.
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public EventTracing opsledgerEventTracing(OpsLedgerTracingProperties props, Environment env) {
    return EventTracing.start(
        props,
        env.getProperty(OTEL_EXPORTER_OTLP_ENDPOINT),
        env.getProperty("spring.application.name", "opsledger"));
  }

  /** The base OTLP endpoint of every signal, as OpenTelemetry's SDKs read it. */
  static final String OTEL_EXPORTER_OTLP_ENDPOINT = "OTEL_EXPORTER_OTLP_ENDPOINT";

  /** The publisher; it depends on the initializer so topics exist before the first send. */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public EventPublisher eventPublisher(
      OpsLedgerKafkaProperties props,
      EventCodec codec,
      ObjectProvider<MeterRegistry> meters,
      EventTracing tracing,
      TopicCatalogInitializer topicsReady) {
    return new EventPublisher(props.connection(), codec, meters.getIfAvailable(), tracing);
  }

  /**
   * The readiness group's {@code kafka} member (opsledger-defaults.properties puts it there): a pod
   * that cannot reach the cluster is taken out of its Services until it can.
   */
  @Bean
  @ConditionalOnMissingBean(name = "kafkaHealthIndicator")
  @ConditionalOnEnabledHealthIndicator("kafka")
  public KafkaHealthIndicator kafkaHealthIndicator(OpsLedgerKafkaProperties props) {
    return new KafkaHealthIndicator(props.connection(), KAFKA_HEALTH_TIMEOUT);
  }

  /**
   * Logs when the cluster stops and starts answering (every 10 s, with the readiness check), since
   * an outage of the log cannot be recorded on the log.
   */
  @Bean
  @ConditionalOnBean(KafkaHealthIndicator.class)
  public KafkaReachability kafkaReachability(
      KafkaHealthIndicator kafka,
      OpsLedgerKafkaProperties props,
      ObjectProvider<MeterRegistry> meters) {
    return new KafkaReachability(
        kafka::probe,
        props.connection().bootstrapServers(),
        Duration.ofSeconds(10),
        meters.getIfAvailable(),
        java.time.Clock.systemUTC());
  }

  /** Below the probes' timeoutSeconds in deploy/kubernetes, so a slow broker reads as DOWN. */
  static final Duration KAFKA_HEALTH_TIMEOUT = Duration.ofSeconds(3);

  /** Decodes consumed messages; unreadable ones become poison for the DLQ. */
  @Bean
  @ConditionalOnMissingBean
  public EventMessages eventMessages(EventCodec codec, ObjectProvider<MeterRegistry> meters) {
    return new EventMessages(codec, meters.getIfAvailable());
  }

  /**
   * Every consumer's failures: poison records to {@code <topic>.dlq} at once, anything else retried
   * with capped backoff for as long as it takes (see {@link ConsumerRetries}).
   */
  @Bean
  @ConditionalOnMissingBean
  public ConsumerRetries opsledgerConsumerRetries(
      OpsLedgerKafkaProperties props,
      ObjectProvider<MeterRegistry> meters,
      EventTracing tracing,
      ObjectProvider<BindingRebalance> rebalances) {
    ConsumerRetries retries =
        new ConsumerRetries(props.connection(), meters.getIfAvailable(), tracing);
    // The binder takes one container customizer: this one also installs the services' rebalance
    // listeners (BindingRebalance), looked up when each binding is created.
    retries.rebalances(() -> rebalances.orderedStream().toList());
    return retries;
  }

  /**
   * The fleet's secret protector, created only for a service that asks for it (the git-watcher, the
   * state-collector and the applier, which seal, hash or open Secret values): the others start
   * without a key, so that it is mounted only where it is used.
   *
   * @throws IllegalStateException when no key is configured: a random key would seal values no
   *     other service can open and fingerprint them so that nothing ever matches, silently
   */
  @Bean
  @Lazy
  @ConditionalOnMissingBean
  public SecretProtector secretProtector(OpsLedgerSecretsProperties props) {
    if (props.keyFile() != null) {
      return new SecretProtector(SecretKeys.read(props.keyFile()));
    }
    if (props.key() != null && !props.key().isBlank()) {
      return new SecretProtector(SecretKeys.decode(props.key()));
    }
    throw new IllegalStateException(MISSING_KEY);
  }

  /** Why a service that seals, hashes or opens Secret values does not start. */
  static final String MISSING_KEY =
      "this service seals, hashes or opens Secret values and needs the fleet's key, and none is"
          + " configured: set opsledger.secrets.key-file (OPSLEDGER_SECRETS_KEYFILE, e.g. a"
          + " mounted Kubernetes Secret) or OPSLEDGER_SECRETS_KEY (base64 of at least 32 bytes),"
          + " the same in the git-watcher, the state-collector and the applier ('opsledger up'"
          + " creates one in its data directory)";

  /** Runs the topic bootstrapper once, when the context creates it. */
  public static class TopicCatalogInitializer implements InitializingBean {
    private final OpsLedgerKafkaProperties props;

    TopicCatalogInitializer(OpsLedgerKafkaProperties props) {
      this.props = props;
    }

    @Override
    public void afterPropertiesSet() {
      if (!props.createTopics()) {
        return;
      }
      try (Admin admin = Admin.create(KafkaSettings.admin(props.connection()))) {
        new TopicBootstrapper(admin, props.replicationFactor(), props.topicReadyTimeout())
            .ensureCatalogue();
      }
    }
  }
}
