package dev.opsledger.service;

import dev.opsledger.events.EventCodec;
import dev.opsledger.events.SecretProtector;
import dev.opsledger.kafka.KafkaSettings;
import dev.opsledger.kafka.TopicBootstrapper;
import io.micrometer.core.instrument.MeterRegistry;
import java.security.SecureRandom;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/** The beans every OpsLedger service gets. */
@AutoConfiguration
@EnableConfigurationProperties({OpsLedgerKafkaProperties.class, OpsLedgerSecretsProperties.class})
public class OpsLedgerServiceAutoConfiguration {

  private static final Logger LOG =
      LoggerFactory.getLogger(OpsLedgerServiceAutoConfiguration.class);

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

  /** The publisher; it depends on the initializer so topics exist before the first send. */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public EventPublisher eventPublisher(
      OpsLedgerKafkaProperties props,
      EventCodec codec,
      ObjectProvider<MeterRegistry> meters,
      TopicCatalogInitializer topicsReady) {
    return new EventPublisher(props.connection(), codec, meters.getIfAvailable());
  }

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
      OpsLedgerKafkaProperties props, ObjectProvider<MeterRegistry> meters) {
    return new ConsumerRetries(props.connection(), meters.getIfAvailable());
  }

  /** The fleet's secret protector. */
  @Bean
  @ConditionalOnMissingBean
  public SecretProtector secretProtector(OpsLedgerSecretsProperties props) {
    if (props.keyFile() != null) {
      return new SecretProtector(SecretKeys.read(props.keyFile()));
    }
    if (props.key() != null && !props.key().isBlank()) {
      return new SecretProtector(SecretKeys.decode(props.key()));
    }
    LOG.warn(
        "no opsledger.secrets.key-file or OPSLEDGER_SECRETS_KEY: using a random key for this"
            + " process only; Secrets sealed now cannot be opened by another process");
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return new SecretProtector(key);
  }

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
