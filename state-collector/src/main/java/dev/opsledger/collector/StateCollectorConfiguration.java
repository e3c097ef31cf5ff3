package dev.opsledger.collector;

import dev.opsledger.collector.aws.AwsClients;
import dev.opsledger.collector.aws.AwsCollector;
import dev.opsledger.collector.aws.AwsTargetPoller;
import dev.opsledger.collector.aws.Throttling;
import dev.opsledger.collector.desired.DeclaredResources;
import dev.opsledger.collector.desired.DesiredEventHandler;
import dev.opsledger.collector.emit.ObservationEmitter;
import dev.opsledger.collector.health.CelHealthRules;
import dev.opsledger.collector.health.HealthAssessor;
import dev.opsledger.collector.kubernetes.ClusterWatcher;
import dev.opsledger.collector.kubernetes.KubernetesClients;
import dev.opsledger.collector.kubernetes.KubernetesCollector;
import dev.opsledger.collector.observe.LiveProjection;
import dev.opsledger.events.HealthStatus;
import dev.opsledger.events.SecretProtector;
import dev.opsledger.events.Topic;
import dev.opsledger.service.EventMessages;
import dev.opsledger.service.EventPublisher;
import dev.opsledger.service.OpsLedgerKafkaProperties;
import dev.opsledger.service.StreamBindingsPropertySource;
import dev.opsledger.service.StreamFunction;
import dev.opsledger.service.lease.LeaseHealthIndicator;
import dev.opsledger.service.lease.ServiceLease;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.PropertySource;
import org.springframework.messaging.Message;

/**
 * Wires the state-collector: the desired-state consumer ({@code stateCollectorDesiredIn}), the
 * Kubernetes and AWS collectors, and the emitter that writes {@code opsledger.observed} through the
 * {@link EventPublisher}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(StateCollectorProperties.class)
@PropertySource(
    value = "classpath:opsledger-state-collector.properties",
    factory = StateCollectorConfiguration.Defaults.class)
public class StateCollectorConfiguration {

  /** The consumer of {@code opsledger.desired}. */
  public static final String DESIRED_IN = "stateCollectorDesiredIn";

  /**
   * The collector's stream functions. The desired binding reads the whole topic at every start
   * (reset-offsets, earliest): the collector keeps that projection in memory only, so it rebuilds
   * it from the log instead of resuming from a committed offset. Every replica reads every
   * partition (the binder assigns them all instead of splitting them in the group): the active one
   * needs every declared kind, and a standby must be ready to take over with them.
   */
  public static final List<StreamFunction> FUNCTIONS =
      List.of(
          StreamFunction.of(DESIRED_IN, Topic.DESIRED, "opsledger-state-collector")
              .kafkaConsumer("start-offset", "earliest")
              .kafkaConsumer("reset-offsets", "true")
              .kafkaConsumer("auto-rebalance-enabled", "false"));

  /** The collector's defaults: its properties file and its bindings. */
  public static final class Defaults extends StreamBindingsPropertySource {
    /** Called by Spring for the {@code @PropertySource}. */
    public Defaults() {
      super(FUNCTIONS);
    }
  }

  /** The collector's meters. */
  @Bean
  public StateCollectorMetrics stateCollectorMetrics(ObjectProvider<MeterRegistry> registry) {
    return new StateCollectorMetrics(registry.getIfAvailable(SimpleMeterRegistry::new));
  }

  /** Decides what is news and publishes it. */
  @Bean(destroyMethod = "close")
  public ObservationEmitter stateCollectorEmitter(
      StateCollectorProperties props, EventPublisher publisher, StateCollectorMetrics metrics) {
    // The emitter never waits for Kafka (an event Kafka refuses is sent again at the next
    // sighting), so the sink's acknowledgement timeout is never used.
    ObservationEmitter emitter =
        new ObservationEmitter(
            publisher.sink(Duration.ofSeconds(30)),
            props.eventSource(),
            metrics,
            Clock.systemUTC());
    // Silent until this replica holds the lease (StateCollectorService), before any collector
    // can report.
    emitter.standBy();
    return emitter;
  }

  /** The projection of {@code opsledger.desired}. */
  @Bean
  public DeclaredResources stateCollectorDeclaredResources() {
    return new DeclaredResources();
  }

  /**
   * Canonical live objects with Secret values hashed, and their health by the built-in rules and
   * the custom ones of configuration.
   *
   * @throws IllegalArgumentException when a custom health rule does not compile: the collector does
   *     not start with a rule it cannot use
   */
  @Bean
  public LiveProjection stateCollectorLiveProjection(
      SecretProtector secrets, StateCollectorProperties props) {
    return new LiveProjection(
        secrets, props.kubernetes().fieldManager(), new HealthAssessor(healthRules(props)));
  }

  /** The custom health rules of configuration, compiled. */
  static CelHealthRules healthRules(StateCollectorProperties props) {
    List<CelHealthRules.Rule> rules = new ArrayList<>();
    for (StateCollectorProperties.HealthRule r : props.health().rules()) {
      Map<HealthStatus, String> expressions = new EnumMap<>(HealthStatus.class);
      putIfSet(expressions, HealthStatus.DEGRADED, r.degraded());
      putIfSet(expressions, HealthStatus.SUSPENDED, r.suspended());
      putIfSet(expressions, HealthStatus.PROGRESSING, r.progressing());
      putIfSet(expressions, HealthStatus.HEALTHY, r.healthy());
      rules.add(new CelHealthRules.Rule(r.group(), r.kind(), expressions));
    }
    return CelHealthRules.compile(rules, StateCollectorProperties.HEALTH_RULES);
  }

  private static void putIfSet(Map<HealthStatus, String> map, HealthStatus status, String text) {
    if (text != null) {
      map.put(status, text);
    }
  }

  /** One watcher per configured cluster. */
  @Bean(destroyMethod = "close")
  public KubernetesCollector stateCollectorKubernetes(
      StateCollectorProperties props,
      DeclaredResources stateCollectorDeclaredResources,
      LiveProjection stateCollectorLiveProjection,
      ObservationEmitter stateCollectorEmitter,
      StateCollectorMetrics metrics) {
    StateCollectorProperties.Kubernetes k8s = props.kubernetes();
    requireUniqueTargets(props);
    List<ClusterWatcher> clusters = new ArrayList<>();
    for (StateCollectorProperties.KubernetesTarget t : k8s.targets()) {
      clusters.add(
          new ClusterWatcher(
              t.name(),
              KubernetesClients.create(t),
              stateCollectorDeclaredResources,
              stateCollectorLiveProjection,
              stateCollectorEmitter,
              metrics));
    }
    return new KubernetesCollector(clusters, k8s.retryInterval(), k8s.resyncInterval());
  }

  /** One poller per configured AWS target. */
  @Bean(destroyMethod = "close")
  public AwsCollector stateCollectorAws(
      StateCollectorProperties props,
      DeclaredResources stateCollectorDeclaredResources,
      ObservationEmitter stateCollectorEmitter,
      StateCollectorMetrics metrics) {
    StateCollectorProperties.Aws aws = props.aws();
    Throttling throttling = Throttling.of(aws.throttleBackoff(), aws.throttleAttempts());
    List<AwsTargetPoller> pollers = new ArrayList<>();
    for (StateCollectorProperties.AwsTarget t : aws.targets()) {
      pollers.add(
          new AwsTargetPoller(
              t.name(),
              AwsClients.readers(t, AwsClients.credentials(t), throttling),
              stateCollectorDeclaredResources,
              stateCollectorEmitter));
    }
    AwsCollector collector = new AwsCollector(pollers, metrics, aws.pollInterval());
    // Polls once this replica holds the lease (StateCollectorService).
    collector.standBy();
    return collector;
  }

  /** The state-collector's name in its lease topic, group and meters. */
  public static final String SERVICE = "state-collector";

  /**
   * Which replica watches and reports ({@code opsledger.state-collector.lease.*}); started and
   * closed by the {@link StateCollectorService}. Replicas share it when they observe the same
   * targets: a collector of other targets is not their replica, and is active too.
   */
  @Bean
  public ServiceLease stateCollectorLease(
      StateCollectorProperties props,
      OpsLedgerKafkaProperties kafka,
      ObjectProvider<MeterRegistry> registry) {
    List<String> targets = new ArrayList<>();
    props.kubernetes().targets().forEach(t -> targets.add(t.name()));
    props.aws().targets().forEach(t -> targets.add(t.name()));
    return ServiceLease.of(
        SERVICE, targets, props.lease(), kafka.connection(), registry.getIfAvailable());
  }

  /**
   * The lease in {@code /actuator/health} as {@code stateCollectorLease}: {@code active} or not.
   */
  @Bean
  public LeaseHealthIndicator stateCollectorLeaseHealthIndicator(ServiceLease stateCollectorLease) {
    return new LeaseHealthIndicator(stateCollectorLease);
  }

  /** Runs the collectors while this replica holds the lease. */
  @Bean
  public StateCollectorService stateCollectorService(
      ServiceLease stateCollectorLease,
      ObservationEmitter stateCollectorEmitter,
      KubernetesCollector stateCollectorKubernetes,
      AwsCollector stateCollectorAws) {
    return new StateCollectorService(
        stateCollectorLease, stateCollectorEmitter, stateCollectorKubernetes, stateCollectorAws);
  }

  /** Folds desired events into the projection and tells both collectors. */
  @Bean
  public DesiredEventHandler stateCollectorDesiredHandler(
      DeclaredResources stateCollectorDeclaredResources,
      KubernetesCollector stateCollectorKubernetes,
      AwsCollector stateCollectorAws) {
    return new DesiredEventHandler(
        stateCollectorDeclaredResources, List.of(stateCollectorKubernetes, stateCollectorAws));
  }

  /**
   * Consumes {@code opsledger.desired}; delegates to {@link DesiredEventHandler}, which is
   * idempotent (set semantics per resource key), so redelivery and the full replay at every start
   * change nothing twice. Poison records go to {@code opsledger.desired.dlq}.
   */
  @Bean(DESIRED_IN)
  public Consumer<Message<byte[]>> stateCollectorDesiredIn(
      EventMessages messages, DesiredEventHandler stateCollectorDesiredHandler) {
    return message -> stateCollectorDesiredHandler.apply(messages.decode(message));
  }

  private static void requireUniqueTargets(StateCollectorProperties props) {
    Set<String> names = new HashSet<>();
    for (var t : props.kubernetes().targets()) {
      if (!names.add(t.name())) {
        throw new IllegalStateException("state-collector target '" + t.name() + "' twice");
      }
    }
    for (var t : props.aws().targets()) {
      if (!names.add(t.name())) {
        throw new IllegalStateException("state-collector target '" + t.name() + "' twice");
      }
    }
  }
}
