package dev.opsledger.collector;

import dev.opsledger.collector.aws.AwsClients;
import dev.opsledger.collector.aws.AwsCollector;
import dev.opsledger.collector.aws.AwsTargetPoller;
import dev.opsledger.collector.aws.Throttling;
import dev.opsledger.collector.desired.DeclaredResources;
import dev.opsledger.collector.desired.DesiredEventHandler;
import dev.opsledger.collector.emit.CollectorMetrics;
import dev.opsledger.collector.emit.ObservationEmitter;
import dev.opsledger.collector.kubernetes.ClusterWatcher;
import dev.opsledger.collector.kubernetes.KubernetesClients;
import dev.opsledger.collector.kubernetes.KubernetesCollector;
import dev.opsledger.collector.observe.LiveProjection;
import dev.opsledger.events.SecretProtector;
import dev.opsledger.service.EventMessages;
import dev.opsledger.service.EventPublisher;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
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
@PropertySource("classpath:opsledger-state-collector.properties")
public class StateCollectorConfiguration {

  /** The collector's meters. */
  @Bean
  public CollectorMetrics stateCollectorMetrics(ObjectProvider<MeterRegistry> registry) {
    return new CollectorMetrics(registry.getIfAvailable(SimpleMeterRegistry::new));
  }

  /** Decides what is news and publishes it. */
  @Bean(destroyMethod = "close")
  public ObservationEmitter stateCollectorEmitter(
      StateCollectorProperties props, EventPublisher publisher, CollectorMetrics metrics) {
    // The emitter never waits for Kafka (an event Kafka refuses is sent again at the next
    // sighting), so the sink's acknowledgement timeout is never used.
    return new ObservationEmitter(
        publisher.sink(Duration.ofSeconds(30)), props.getEventSource(), metrics, Clock.systemUTC());
  }

  /** The projection of {@code opsledger.desired}. */
  @Bean
  public DeclaredResources stateCollectorDeclaredResources() {
    return new DeclaredResources();
  }

  /** Canonical live objects with Secret values hashed. */
  @Bean
  public LiveProjection stateCollectorLiveProjection(SecretProtector secrets) {
    return new LiveProjection(secrets);
  }

  /** One watcher per configured cluster. */
  @Bean(destroyMethod = "close")
  public KubernetesCollector stateCollectorKubernetes(
      StateCollectorProperties props,
      DeclaredResources stateCollectorDeclaredResources,
      LiveProjection stateCollectorLiveProjection,
      ObservationEmitter stateCollectorEmitter,
      CollectorMetrics metrics) {
    StateCollectorProperties.Kubernetes k8s = props.getKubernetes();
    requireUniqueTargets(props);
    List<ClusterWatcher> clusters = new ArrayList<>();
    for (StateCollectorProperties.KubernetesTarget t : k8s.getTargets()) {
      clusters.add(
          new ClusterWatcher(
              t.getName(),
              KubernetesClients.create(t),
              stateCollectorDeclaredResources,
              stateCollectorLiveProjection,
              stateCollectorEmitter,
              metrics));
    }
    return new KubernetesCollector(clusters, k8s.getRetryInterval(), k8s.getResyncInterval());
  }

  /** One poller per configured AWS target. */
  @Bean(destroyMethod = "close")
  public AwsCollector stateCollectorAws(
      StateCollectorProperties props,
      DeclaredResources stateCollectorDeclaredResources,
      ObservationEmitter stateCollectorEmitter,
      CollectorMetrics metrics) {
    StateCollectorProperties.Aws aws = props.getAws();
    Throttling throttling = Throttling.of(aws.getThrottleBackoff(), aws.getThrottleAttempts());
    List<AwsTargetPoller> pollers = new ArrayList<>();
    for (StateCollectorProperties.AwsTarget t : aws.getTargets()) {
      pollers.add(
          new AwsTargetPoller(
              t.getName(),
              AwsClients.readers(t, AwsClients.credentials(t), throttling),
              stateCollectorDeclaredResources,
              stateCollectorEmitter));
    }
    return new AwsCollector(pollers, metrics, aws.getPollInterval());
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
  @Bean
  public Consumer<Message<byte[]>> stateCollectorDesiredIn(
      EventMessages messages, DesiredEventHandler stateCollectorDesiredHandler) {
    return message -> stateCollectorDesiredHandler.apply(messages.decode(message));
  }

  private static void requireUniqueTargets(StateCollectorProperties props) {
    Set<String> names = new HashSet<>();
    for (var t : props.getKubernetes().getTargets()) {
      if (!names.add(t.getName())) {
        throw new IllegalStateException("state-collector target '" + t.getName() + "' twice");
      }
    }
    for (var t : props.getAws().getTargets()) {
      if (!names.add(t.getName())) {
        throw new IllegalStateException("state-collector target '" + t.getName() + "' twice");
      }
    }
  }
}
