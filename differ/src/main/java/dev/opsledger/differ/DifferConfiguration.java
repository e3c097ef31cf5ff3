package dev.opsledger.differ;

import dev.opsledger.differ.diff.DiffEngine;
import dev.opsledger.differ.normalize.IgnoreRule;
import dev.opsledger.differ.normalize.IgnoreRules;
import dev.opsledger.differ.outbox.DiffOutbox;
import dev.opsledger.differ.outbox.InputCatchUp;
import dev.opsledger.differ.outbox.LastPublished;
import dev.opsledger.differ.outbox.OutboxStarter;
import dev.opsledger.differ.outbox.ResourceStates;
import dev.opsledger.differ.reconcile.DiffPolicy;
import dev.opsledger.differ.stream.DifferInputs;
import dev.opsledger.events.EventCodec;
import dev.opsledger.events.Topic;
import dev.opsledger.service.EventMessages;
import dev.opsledger.service.EventPublisher;
import dev.opsledger.service.OpsLedgerKafkaProperties;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.config.Configuration;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.eventhandling.TrackingEventProcessorConfiguration;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventsourcing.EventCountSnapshotTriggerDefinition;
import org.axonframework.eventsourcing.SnapshotTriggerDefinition;
import org.axonframework.eventsourcing.Snapshotter;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.serialization.upcasting.event.EventUpcasterChain;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.PropertySource;
import org.springframework.core.env.Environment;
import org.springframework.messaging.Message;

/**
 * Wires the differ: two stream consumers ({@code differDesiredIn}, {@code differObservedIn}, group
 * {@code opsledger-differ}) send commands to one {@code ResourceReconciliation} aggregate per
 * resource, stored in Axon's JPA event store (PostgreSQL when {@code spring.datasource.url} is set,
 * else an H2 file under {@code opsledger.differ.data-dir}); the tracking processor {@code
 * differ-outbox} publishes their state changes to {@code opsledger.diffs}. Every bean name starts
 * with {@code differ} so that all services can share one context.
 */
@org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(DifferProperties.class)
@PropertySource("classpath:opsledger-differ.properties")
public class DifferConfiguration {

  /** The {@code ce_source} of the differ's events. */
  public static final String SOURCE = "/opsledger/differ";

  /** The consumer of {@code opsledger.desired}. */
  public static final String DESIRED_IN = "differDesiredIn";

  /** The consumer of {@code opsledger.observed}. */
  public static final String OBSERVED_IN = "differObservedIn";

  /** The differ's meters (the application's registry, or a private one without actuator). */
  @Bean
  public DifferMeters differMeters(ObjectProvider<MeterRegistry> registry) {
    return new DifferMeters(registry.getIfAvailable(SimpleMeterRegistry::new));
  }

  /** The engine, the configured ignore rules and the clock, injected into the aggregate. */
  @Bean
  public DiffPolicy differDiffPolicy(DifferProperties props, DifferMeters differMeters) {
    List<IgnoreRule> rules =
        props.getIgnoreRules().stream()
            .map(
                r ->
                    new IgnoreRule(
                        r.getApiGroup(),
                        r.getKind(),
                        r.getNamespace(),
                        r.getName(),
                        r.getJsonPointers()))
            .toList();
    DiffPolicy policy =
        new DiffPolicy(DiffEngine.standard(), new IgnoreRules(rules), Clock.systemUTC());
    FunctionCounter.builder("opsledger.differ.diff.computations", policy, DiffPolicy::computations)
        .description("diffs computed by the engine")
        .register(differMeters.registry());
    return policy;
  }

  /** A snapshot of an aggregate every {@code opsledger.differ.snapshot-threshold} events. */
  @Bean
  public SnapshotTriggerDefinition differSnapshotTrigger(
      Snapshotter snapshotter, DifferProperties props) {
    return new EventCountSnapshotTriggerDefinition(snapshotter, props.getSnapshotThreshold());
  }

  /**
   * The upcasters of the differ's internal events, empty while no event has changed shape. To
   * change an internal event (e.g. rename a field of {@code LiveStateRecorded}), give the new class
   * a {@code @Revision("2")} and add a {@code SingleEventUpcaster} here that rewrites revision
   * {@code null} (the first) to {@code "2"}; stored events are then upcast when read, never
   * rewritten.
   */
  @Bean
  public EventUpcasterChain differUpcasters() {
    return new EventUpcasterChain();
  }

  /**
   * The processors: {@code differ-outbox} tracking, one segment (in order), a propagating error
   * handler (a failed publication is retried, never skipped), started by {@link OutboxStarter};
   * {@code differ-states} subscribing (updated in each command's unit of work).
   */
  @Bean
  public ConfigurerModule differProcessors(DifferProperties props) {
    return configurer ->
        configurer
            .eventProcessing()
            .registerTrackingEventProcessor(
                DiffOutbox.GROUP,
                Configuration::eventStore,
                c ->
                    TrackingEventProcessorConfiguration.forSingleThreadedProcessing()
                        .andBatchSize(props.getOutboxBatchSize())
                        .andInitialSegmentsCount(1)
                        .andAutoStart(false))
            .registerListenerInvocationErrorHandler(
                DiffOutbox.GROUP, c -> PropagatingErrorHandler.instance())
            .registerSubscribingEventProcessor(ResourceStates.GROUP);
  }

  /** The latest state per resource: gauges, and what a rebuild needs. */
  @Bean
  public ResourceStates differResourceStates(DifferMeters differMeters) {
    return new ResourceStates(differMeters.registry());
  }

  /** Publishes state changes to {@code opsledger.diffs}. */
  @Bean
  public DiffOutbox differOutbox(
      EventPublisher publisher,
      ResourceStates differResourceStates,
      DifferProperties props,
      DifferMeters differMeters) {
    return new DiffOutbox(
        publisher,
        differResourceStates,
        SOURCE,
        props.getPublishTimeout(),
        Clock.systemUTC(),
        differMeters.registry());
  }

  /** Starts the outbox once it is safe (after a rebuild caught up). */
  @Bean
  public OutboxStarter differOutboxStarter(
      EventProcessingConfiguration processing,
      TokenStore tokenStore,
      TransactionManager transactionManager,
      EventStore eventStore,
      ResourceStates differResourceStates,
      DiffOutbox differOutbox,
      DifferProperties props,
      OpsLedgerKafkaProperties kafka,
      EventCodec codec,
      Environment env) {
    String bootstrap = kafka.getBootstrapServers();
    InputCatchUp catchUp =
        new InputCatchUp(
            bootstrap,
            Map.of(
                Topic.DESIRED.topicName(), groupOf(env, DESIRED_IN),
                Topic.OBSERVED.topicName(), groupOf(env, OBSERVED_IN)));
    return new OutboxStarter(
        processing,
        tokenStore,
        transactionManager,
        eventStore,
        differResourceStates,
        differOutbox,
        () -> LastPublished.read(bootstrap, codec, props.getRebuildReadTimeout()),
        catchUp,
        props.getRebuildCatchUpTimeout());
  }

  /** Turns records into commands. */
  @Bean
  public DifferInputs differInputs(
      EventMessages messages, CommandGateway commandGateway, DifferMeters differMeters) {
    return new DifferInputs(messages, commandGateway, differMeters.registry());
  }

  /**
   * Consumes {@code opsledger.desired}. Idempotent: the aggregate dedupes on {@code ce_id}, on
   * (source, revision) and on the manifest's content hash; older revisions are ignored.
   */
  @Bean
  public Consumer<Message<byte[]>> differDesiredIn(DifferInputs differInputs) {
    return differInputs::accept;
  }

  /**
   * Consumes {@code opsledger.observed}. Idempotent: the aggregate dedupes on {@code ce_id} and on
   * the live object's content hash; older observations are ignored.
   */
  @Bean
  public Consumer<Message<byte[]>> differObservedIn(DifferInputs differInputs) {
    return differInputs::accept;
  }

  private static String groupOf(Environment env, String binding) {
    return env.getRequiredProperty("spring.cloud.stream.bindings." + binding + "-in-0.group");
  }
}
