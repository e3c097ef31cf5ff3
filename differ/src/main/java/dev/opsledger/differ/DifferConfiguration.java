package dev.opsledger.differ;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import dev.opsledger.differ.diff.DiffEngine;
import dev.opsledger.differ.normalize.IgnoreRule;
import dev.opsledger.differ.normalize.IgnoreRules;
import dev.opsledger.differ.outbox.DiffOutbox;
import dev.opsledger.differ.outbox.InputCatchUp;
import dev.opsledger.differ.outbox.LastPublished;
import dev.opsledger.differ.outbox.OutboxStarter;
import dev.opsledger.differ.outbox.PublishedCheckpoints;
import dev.opsledger.differ.outbox.ResourceStates;
import dev.opsledger.differ.reconcile.DiffPolicy;
import dev.opsledger.differ.reconcile.ResourceReconciliation;
import dev.opsledger.differ.store.EventStoreSchema;
import dev.opsledger.differ.store.StoreCheckedCache;
import dev.opsledger.differ.store.UniqueKeyViolations;
import dev.opsledger.differ.stream.AggregateLiveStates;
import dev.opsledger.differ.stream.DifferInputs;
import dev.opsledger.differ.stream.PreviewInputs;
import dev.opsledger.events.CheckpointTopic;
import dev.opsledger.events.EventCodec;
import dev.opsledger.events.Topic;
import dev.opsledger.kafka.Checkpoints;
import dev.opsledger.kafka.KafkaConnection;
import dev.opsledger.service.EventMessages;
import dev.opsledger.service.EventPublisher;
import dev.opsledger.service.OpsLedgerKafkaProperties;
import dev.opsledger.service.StreamBindingsPropertySource;
import dev.opsledger.service.StreamFunction;
import dev.opsledger.service.tracing.EventTracing;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.common.caching.Cache;
import org.axonframework.common.caching.WeakReferenceCache;
import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.common.jdbc.UnitOfWorkAwareConnectionProviderWrapper;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.config.Configuration;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.eventhandling.TrackingEventProcessorConfiguration;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventhandling.tokenstore.inmemory.InMemoryTokenStore;
import org.axonframework.eventhandling.tokenstore.jdbc.JdbcTokenStore;
import org.axonframework.eventhandling.tokenstore.jdbc.TokenSchema;
import org.axonframework.eventsourcing.EventCountSnapshotTriggerDefinition;
import org.axonframework.eventsourcing.SnapshotTriggerDefinition;
import org.axonframework.eventsourcing.Snapshotter;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.eventsourcing.eventstore.jdbc.EventSchema;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.messaging.correlation.CorrelationDataProvider;
import org.axonframework.messaging.correlation.MessageOriginProvider;
import org.axonframework.messaging.correlation.MultiCorrelationDataProvider;
import org.axonframework.messaging.correlation.SimpleCorrelationDataProvider;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.upcasting.event.EventUpcasterChain;
import org.axonframework.spring.jdbc.SpringDataSourceConnectionProvider;
import org.axonframework.spring.messaging.unitofwork.SpringTransactionManager;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.PropertySource;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.messaging.Message;

/**
 * Wires the differ: one stream consumer ({@code differInputsIn}, group {@code opsledger-differ}, of
 * {@code opsledger.desired} and {@code opsledger.observed}) sends commands to one {@code
 * ResourceReconciliation} aggregate per resource, stored in Axon's JDBC event store (PostgreSQL
 * when {@code spring.datasource.url} is set, else an H2 file under {@code
 * opsledger.differ.data-dir}); the tracking processor {@code differ-outbox} publishes their state
 * changes to {@code opsledger.diffs}. Every bean name starts with {@code differ} so that all
 * services can share one context.
 */
@org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(DifferProperties.class)
@PropertySource(
    value = "classpath:opsledger-differ.properties",
    factory = DifferConfiguration.Defaults.class)
@Import(ResourceReconciliation.class)
public class DifferConfiguration {

  /** The {@code ce_source} of the differ's events. */
  public static final String SOURCE = "/opsledger/differ";

  /**
   * The consumer of both {@code opsledger.desired} and {@code opsledger.observed}: one binding, one
   * Kafka consumer subscribed to both topics.
   */
  public static final String INPUTS_IN = "differInputsIn";

  /**
   * The inputs are consumed a poll at a time ({@code batch-mode}): {@link DifferInputs} handles a
   * poll's records in one unit of work and transaction. Both topics in one consumer ({@code
   * multiplex}) with Kafka's range assignor: the two topics have the same keys (the resource) and
   * the same number of partitions, so each differ of the group is assigned partition {@code p} of
   * both, and a resource's desired and observed records reach the same differ. Several differs on
   * one store then rarely write the same aggregate at once (only around a rebalance); when they do,
   * the store's unique key makes it a conflict, handled again ({@link DifferInputs}).
   *
   * <p>Two consumers per differ ({@code concurrency}), each a member of the group assigned
   * partitions of both topics: a differ handles two polls at once, as it did with one consumer per
   * topic, but on different resources, so they no longer wait for each other's aggregate locks.
   */
  private static final StreamFunction INPUTS = inputs();

  /** The consumers (group members) of {@link #INPUTS_IN} per differ. */
  public static final int INPUT_CONSUMERS = 2;

  private static StreamFunction inputs() {
    StreamFunction f = StreamFunction.of(INPUTS_IN, Topic.DESIRED, "opsledger-differ");
    return new StreamFunction(
            f.name(),
            f.topic(),
            f.group(),
            Map.of(
                f.property("destination"),
                Topic.DESIRED.topicName() + "," + Topic.OBSERVED.topicName()))
        .consumer("multiplex", "true")
        .consumer("batch-mode", "true")
        .consumer("concurrency", Integer.toString(INPUT_CONSUMERS))
        .kafkaConsumer(
            "configuration.partition.assignment.strategy", RangeAssignor.class.getName());
  }

  /** The consumer of {@code opsledger.previews}. */
  public static final String PREVIEWS_IN = "differPreviewsIn";

  /**
   * Previews read in a group of their own: they never hold up, nor share offsets with, the
   * reconciliation inputs.
   */
  private static final StreamFunction PREVIEWS =
      StreamFunction.of(PREVIEWS_IN, Topic.PREVIEWS, "opsledger-differ-previews");

  /** The differ's stream functions; named groups, so a restart resumes where it stopped. */
  public static final List<StreamFunction> FUNCTIONS = List.of(INPUTS, PREVIEWS);

  /** The differ's defaults: its properties file and its bindings. */
  public static final class Defaults extends StreamBindingsPropertySource {
    /** Called by Spring for the {@code @PropertySource}. */
    public Defaults() {
      super(FUNCTIONS);
    }
  }

  /**
   * The Jackson 2 mapper of Axon's serializer (event store and snapshots), as Axon would make it
   * but reading numbers as exact decimals, as the log is read: a manifest's {@code 1e400} must not
   * come back as Infinity when an aggregate is replayed.
   */
  @Bean("defaultAxonObjectMapper")
  public ObjectMapper defaultAxonObjectMapper() {
    return new ObjectMapper()
        .findAndRegisterModules()
        .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
        .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);
  }

  /**
   * The event store's tables, created or converted before Axon's JDBC engine and token store use
   * them (they depend on the schemas below).
   */
  @Bean
  public EventStoreSchema differEventStoreSchema(DataSource dataSource) {
    return EventStoreSchema.prepare(dataSource);
  }

  /** The event and snapshot tables' names, for Axon's {@code JdbcEventStorageEngine}. */
  @Bean
  public EventSchema differEventSchema(EventStoreSchema differEventStoreSchema) {
    return differEventStoreSchema.eventSchema();
  }

  /** The token table's names, for Axon's {@code JdbcTokenStore}. */
  @Bean
  public TokenSchema differTokenSchema(EventStoreSchema differEventStoreSchema) {
    return differEventStoreSchema.tokenSchema();
  }

  /**
   * The Spring transactions that Axon's units of work join: an event, the aggregate's snapshot and
   * the outbox token are stored in one transaction.
   */
  @Bean
  public JdbcTransactionManager differJdbcTransactions(DataSource dataSource) {
    return new JdbcTransactionManager(dataSource);
  }

  /** Axon's view of {@link #differJdbcTransactions}. */
  @Bean
  public TransactionManager differAxonTransactions(JdbcTransactionManager differJdbcTransactions) {
    return new SpringTransactionManager(differJdbcTransactions);
  }

  /** Connections bound to the current Spring transaction and Axon unit of work. */
  @Bean
  public ConnectionProvider differConnections(DataSource dataSource) {
    return new UnitOfWorkAwareConnectionProviderWrapper(
        new SpringDataSourceConnectionProvider(dataSource));
  }

  /**
   * The event store. Declared here rather than left to Axon's JDBC auto-configuration, whose
   * condition on a {@code DataSource} bean is evaluated before Spring Boot 4 has declared one.
   */
  @Bean
  public EventStorageEngine differEventStorageEngine(
      Serializer serializer,
      @Qualifier("eventSerializer") Serializer eventSerializer,
      org.axonframework.config.Configuration axon,
      ConnectionProvider differConnections,
      TransactionManager differAxonTransactions,
      EventSchema differEventSchema) {
    return JdbcEventStorageEngine.builder()
        .snapshotSerializer(serializer)
        .eventSerializer(eventSerializer)
        .upcasterChain(axon.upcasterChain())
        .snapshotFilter(axon.snapshotFilter())
        .persistenceExceptionResolver(new UniqueKeyViolations())
        .connectionProvider(differConnections)
        .transactionManager(differAxonTransactions)
        .schema(differEventSchema)
        .build();
  }

  /**
   * The outbox's token, in the event store's database. Its claims name this differ ({@code
   * pid@host} and a random suffix, so that two differs in one JVM are two owners too): of several
   * differs on one store, the one holding the claim publishes, and another takes it over when it is
   * released or has not been extended for the claim timeout (10 s).
   */
  @Bean
  public TokenStore differTokenStore(
      ConnectionProvider differConnections, Serializer serializer, TokenSchema differTokenSchema) {
    return JdbcTokenStore.builder()
        .connectionProvider(differConnections)
        .serializer(serializer)
        .schema(differTokenSchema)
        .nodeId(
            ManagementFactory.getRuntimeMXBean().getName()
                + "/"
                + UUID.randomUUID().toString().substring(0, 8))
        .build();
  }

  /** The differ's meters (the application's registry, or a private one without actuator). */
  @Bean
  public DifferMetrics differMetrics(ObjectProvider<MeterRegistry> registry) {
    return new DifferMetrics(registry.getIfAvailable(SimpleMeterRegistry::new));
  }

  /** The engine, the configured ignore rules and the clock, injected into the aggregate. */
  @Bean
  public DiffPolicy differDiffPolicy(DifferProperties props, DifferMetrics differMetrics) {
    List<IgnoreRule> rules =
        props.ignoreRules().stream()
            .map(
                r ->
                    new IgnoreRule(
                        r.apiGroup(), r.kind(), r.namespace(), r.name(), r.jsonPointers()))
            .toList();
    DiffPolicy policy =
        new DiffPolicy(
            DiffEngine.standard(props.fieldManager()), new IgnoreRules(rules), Clock.systemUTC());
    FunctionCounter.builder("opsledger.differ.diff.computations", policy, DiffPolicy::computations)
        .description("diffs computed by the engine")
        .register(differMetrics.registry());
    return policy;
  }

  /** A snapshot of an aggregate every {@code opsledger.differ.snapshot-threshold} events. */
  @Bean
  public SnapshotTriggerDefinition differSnapshotTrigger(
      Snapshotter snapshotter, DifferProperties props) {
    return new EventCountSnapshotTriggerDefinition(snapshotter, props.snapshotThreshold());
  }

  /**
   * The aggregates last handled, kept between units of work so that the next input of a resource
   * (its observation, after the poll of {@code opsledger.desired} recorded its declaration) does
   * not read its snapshot and events again. Safe with several differs on one store: a hit is used
   * only while the store holds no newer event of the aggregate ({@link StoreCheckedCache}, one
   * index look-up), and Axon evicts an aggregate whose unit of work rolls back (a nested one's too,
   * with its poll's). Weak references: the garbage collector empties it under memory pressure.
   */
  @Bean
  public Cache differAggregateCache(
      ConnectionProvider differConnections, EventSchema differEventSchema) {
    return new StoreCheckedCache(new WeakReferenceCache(), differConnections, differEventSchema);
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
   * {@code differ-states} tracking from the store's first event with its token in memory, so every
   * replica reads every change, whichever differ recorded it (a subscribing processor saw only its
   * own JVM's commands).
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
                        .andBatchSize(props.outboxBatchSize())
                        .andInitialSegmentsCount(1)
                        .andAutoStart(false))
            .registerListenerInvocationErrorHandler(
                DiffOutbox.GROUP, c -> PropagatingErrorHandler.instance())
            .registerTrackingEventProcessor(
                ResourceStates.GROUP,
                Configuration::eventStore,
                c ->
                    TrackingEventProcessorConfiguration.forSingleThreadedProcessing()
                        .andBatchSize(props.outboxBatchSize())
                        .andInitialSegmentsCount(1))
            .registerTokenStore(ResourceStates.GROUP, c -> new InMemoryTokenStore());
  }

  /** The latest state per resource: gauges, and what a rebuild needs. */
  @Bean
  public ResourceStates differResourceStates(DifferMetrics differMetrics) {
    return new ResourceStates(differMetrics.registry());
  }

  /** Publishes state changes to {@code opsledger.diffs}. */
  @Bean
  public DiffOutbox differOutbox(
      EventPublisher publisher,
      ResourceStates differResourceStates,
      DifferProperties props,
      DifferMetrics differMetrics) {
    return new DiffOutbox(
        publisher,
        differResourceStates,
        SOURCE,
        props.publishTimeout(),
        Clock.systemUTC(),
        differMetrics.registry());
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
      LastPublished differLastPublished,
      Environment env) {
    KafkaConnection bootstrap = kafka.connection();
    InputCatchUp catchUp =
        new InputCatchUp(
            bootstrap,
            Map.of(
                Topic.DESIRED.topicName(), groupOf(env, INPUTS),
                Topic.OBSERVED.topicName(), groupOf(env, INPUTS)));
    return new OutboxStarter(
        processing,
        tokenStore,
        transactionManager,
        eventStore,
        differResourceStates,
        differOutbox,
        differLastPublished::read,
        catchUp,
        props.rebuildCatchUpTimeout());
  }

  /**
   * What was last published per resource, from the newest snapshot on {@code
   * opsledger.differ.checkpoints} and the diffs after it.
   */
  @Bean
  public LastPublished differLastPublished(
      DifferProperties props, OpsLedgerKafkaProperties kafka, EventCodec codec) {
    return new LastPublished(
        kafka.connection(), codec, props.rebuildReadTimeout(), differCheckpoints(props, kafka));
  }

  /** Writes the snapshot {@link LastPublished} starts from, every {@code checkpoint-interval}. */
  @Bean
  public PublishedCheckpoints differPublishedCheckpoints(
      DifferProperties props, OpsLedgerKafkaProperties kafka, LastPublished differLastPublished) {
    return new PublishedCheckpoints(
        differLastPublished, differCheckpoints(props, kafka), props.checkpointInterval());
  }

  private static Checkpoints differCheckpoints(
      DifferProperties props, OpsLedgerKafkaProperties kafka) {
    return new Checkpoints(
        kafka.connection(), CheckpointTopic.DIFFER, props.rebuildReadTimeout(), Clock.systemUTC());
  }

  /**
   * Axon's correlation data: its default (message origin) plus the input record's {@code
   * traceparent}, which the events a command causes inherit so that the outbox can continue the
   * trace. Replaces Axon's default provider bean, hence both.
   */
  @Bean
  public CorrelationDataProvider differCorrelationData() {
    return new MultiCorrelationDataProvider<>(
        List.of(
            new MessageOriginProvider(),
            new SimpleCorrelationDataProvider(DifferInputs.TRACEPARENT)));
  }

  /** Turns the records of a poll into commands, handled in one transaction. */
  @Bean
  public DifferInputs differInputs(
      EventMessages messages,
      CommandGateway commandGateway,
      TransactionManager differAxonTransactions,
      ObjectProvider<EventTracing> tracing,
      DifferMetrics differMetrics,
      DifferProperties props) {
    return new DifferInputs(
        messages,
        commandGateway,
        differAxonTransactions,
        tracing.getIfAvailable(EventTracing::off),
        differMetrics.registry(),
        props.inputsPerTransaction());
  }

  /**
   * Consumes {@code opsledger.desired} and {@code opsledger.observed}, a poll at a time.
   * Idempotent: the aggregate dedupes a desired state on {@code ce_id}, on (source, revision) and
   * on the manifest's content hash (older revisions are ignored), a live state on {@code ce_id} and
   * on the live object's content hash (older observations are ignored).
   */
  @Bean(INPUTS_IN)
  public Consumer<Message<List<byte[]>>> differInputsIn(
      DifferInputs differInputs, Environment env) {
    String group = groupOf(env, INPUTS);
    return batch -> differInputs.accept(batch, group);
  }

  /**
   * Answers pull request previews with the live state the aggregates keep, read-only (see {@code
   * differ.preview}).
   */
  @Bean
  public PreviewInputs differPreviewInputs(
      EventMessages messages,
      org.axonframework.config.Configuration axon,
      DiffPolicy differDiffPolicy,
      EventPublisher publisher,
      DifferProperties props,
      DifferMetrics differMetrics) {
    return new PreviewInputs(
        messages,
        new AggregateLiveStates(axon.repository(ResourceReconciliation.class)),
        differDiffPolicy,
        publisher,
        SOURCE,
        props.publishTimeout(),
        Clock.systemUTC(),
        differMetrics.registry());
  }

  /**
   * Consumes {@code opsledger.previews}. Idempotent: the answer's id derives from the input's; it
   * records nothing in the reconciliation state.
   */
  @Bean(PREVIEWS_IN)
  public Consumer<Message<byte[]>> differPreviewsIn(PreviewInputs differPreviewInputs) {
    return differPreviewInputs::accept;
  }

  private static String groupOf(Environment env, StreamFunction function) {
    return env.getRequiredProperty(function.groupProperty());
  }
}
