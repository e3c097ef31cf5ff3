package dev.opsledger.applier;

import dev.opsledger.applier.apply.ResourceApplier;
import dev.opsledger.applier.engine.ApplyEngine;
import dev.opsledger.applier.engine.ApplyLanes;
import dev.opsledger.applier.engine.Approvals;
import dev.opsledger.applier.engine.DesiredBook;
import dev.opsledger.applier.engine.DiffLedger;
import dev.opsledger.applier.engine.OrderGate;
import dev.opsledger.applier.engine.OutcomeRecorder;
import dev.opsledger.applier.engine.ResourceActions;
import dev.opsledger.applier.engine.RetryScheduler;
import dev.opsledger.applier.engine.SecretValues;
import dev.opsledger.applier.kubernetes.KubernetesApplier;
import dev.opsledger.applier.policy.PolicyResolver;
import dev.opsledger.applier.policy.SyncPolicy;
import dev.opsledger.applier.policy.SyncWindow;
import dev.opsledger.applier.policy.SyncWindows;
import dev.opsledger.applier.stream.ApplierInputs;
import dev.opsledger.applier.stream.LogReplay;
import dev.opsledger.applier.stream.LogRollbackPlans;
import dev.opsledger.applier.stream.ReplayCheckpoints;
import dev.opsledger.applier.stream.ReplicaOwnership;
import dev.opsledger.applier.web.ApproverTokens;
import dev.opsledger.applier.web.HostCheck;
import dev.opsledger.applier.web.ManagementServer;
import dev.opsledger.events.CheckpointTopic;
import dev.opsledger.events.EventCodec;
import dev.opsledger.events.SecretProtector;
import dev.opsledger.events.Topic;
import dev.opsledger.kafka.Checkpoints;
import dev.opsledger.service.EventMessages;
import dev.opsledger.service.EventPublisher;
import dev.opsledger.service.OpsLedgerKafkaProperties;
import dev.opsledger.service.StreamBindingsPropertySource;
import dev.opsledger.service.StreamFunction;
import dev.opsledger.service.core.Backoff;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.PropertySource;
import org.springframework.messaging.Message;
import org.springframework.scheduling.support.CronExpression;

/**
 * Wires the applier: three stream consumers ({@code applierDiffsIn}, {@code applierDesiredIn},
 * {@code applierApprovalsIn}, group {@code opsledger-applier}) feed the {@link ApplyEngine}, whose
 * memory is rebuilt from the log ({@link LogReplay}) before any consumer starts. Every bean name
 * starts with {@code applier} so that all services can share one context.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ApplierProperties.class)
@PropertySource(
    value = "classpath:opsledger-applier.properties",
    factory = ApplierConfiguration.Defaults.class)
@Import(AwsApplierConfiguration.class)
public class ApplierConfiguration {

  /** The {@code ce_source} of the applier's events. */
  public static final String SOURCE = "/opsledger/applier";

  /** The consumer of {@code opsledger.diffs}. */
  public static final String DIFFS_IN = "applierDiffsIn";

  /** The consumer of {@code opsledger.desired}. */
  public static final String DESIRED_IN = "applierDesiredIn";

  /** The consumer of {@code opsledger.approvals}. */
  public static final String APPROVALS_IN = "applierApprovalsIn";

  /** The consumer of the health reports on {@code opsledger.observed} (sync waves, depends-on). */
  public static final String HEALTH_IN = "applierHealthIn";

  /**
   * The reader of every diff, whoever owns the resource: the order of writes (waves, depends-on,
   * prerequisites) of this replica's resources waits for resources of other replicas.
   */
  public static final String DIFFS_SEEN_IN = "applierDiffsSeenIn";

  /** The group the replicas share: the diffs' partitions split the work between them. */
  private static final String GROUP = "opsledger-applier";

  /**
   * The group of one replica: what every replica must read whole (desired state, approvals, health,
   * every diff). {@code opsledger.applier.replica-id} names it; by default the host name, which is
   * the pod's name on Kubernetes. Replicas on one host must each set their own.
   */
  static final String REPLICA_GROUP =
      "opsledger-applier-replica-${opsledger.applier.replica-id:${HOSTNAME:local}}";

  /** How long a replica handing diffs partitions over waits for the work running on them. */
  private static final Duration HAND_OVER = Duration.ofSeconds(20);

  /** Tasks a lane holds before the consumer handing diffs over waits. */
  private static final int LANE_QUEUE = 64;

  /**
   * The applier's stream functions; one named group, so a restart resumes where it stopped. One
   * consumer reads the diffs and hands them to the engine's lanes, which apply different resources
   * in parallel ({@code opsledger.applier.concurrency}); one resource's diffs stay in order because
   * its key maps to one partition and one lane, and the engine also locks per resource.
   */
  public static final List<StreamFunction> FUNCTIONS =
      List.of(
          StreamFunction.of(DIFFS_IN, Topic.DIFFS, GROUP),
          StreamFunction.of(DESIRED_IN, Topic.DESIRED, REPLICA_GROUP),
          StreamFunction.of(APPROVALS_IN, Topic.APPROVALS, REPLICA_GROUP),
          StreamFunction.of(DIFFS_SEEN_IN, Topic.DIFFS, REPLICA_GROUP),
          // Health is read live only (OrderGate): a new replica starts at the end of the topic.
          StreamFunction.of(HEALTH_IN, Topic.OBSERVED, REPLICA_GROUP)
              .kafkaConsumer("start-offset", "latest"));

  /** The applier's defaults: its properties file and its bindings. */
  public static final class Defaults extends StreamBindingsPropertySource {
    /** Called by Spring for the {@code @PropertySource}. */
    public Defaults() {
      super(FUNCTIONS);
    }
  }

  /** The applier's meters (the application's registry, or a private one without actuator). */
  @Bean
  public ApplierMetrics applierMetrics(ObjectProvider<MeterRegistry> registry) {
    return new ApplierMetrics(registry.getIfAvailable(SimpleMeterRegistry::new));
  }

  /** Pending retries, in memory. */
  @Bean(destroyMethod = "close")
  public RetryScheduler applierRetryScheduler() {
    return new RetryScheduler(Clock.systemUTC());
  }

  /** The cluster's client; fabric8's own request retries are off (the scheduler retries). */
  @Bean(destroyMethod = "close")
  @ConditionalOnProperty(
      name = "opsledger.applier.kubernetes.enabled",
      havingValue = "true",
      matchIfMissing = true)
  public KubernetesClient applierKubernetesClient(ApplierProperties props) {
    ApplierProperties.Kubernetes k = props.kubernetes();
    Config base =
        k.kubeconfig() != null
            ? Config.fromKubeconfig(k.context(), new File(k.kubeconfig().toString()))
            : Config.autoConfigure(k.context());
    ConfigBuilder config =
        new ConfigBuilder(base)
            .withRequestRetryBackoffLimit(0)
            .withRequestTimeout((int) k.requestTimeout().toMillis())
            .withConnectionTimeout((int) Math.min(k.requestTimeout().toMillis(), 10_000));
    if (k.masterUrl() != null && !k.masterUrl().isBlank()) {
      config.withMasterUrl(k.masterUrl());
    }
    return new KubernetesClientBuilder().withConfig(config.build()).build();
  }

  /** Server-side apply to the cluster. */
  @Bean
  @ConditionalOnProperty(
      name = "opsledger.applier.kubernetes.enabled",
      havingValue = "true",
      matchIfMissing = true)
  public KubernetesApplier applierKubernetes(
      ApplierProperties props, KubernetesClient applierKubernetesClient) {
    return new KubernetesApplier(
        props.kubernetes().target(), applierKubernetesClient, props.kubernetes().fieldManager());
  }

  /**
   * The engine, with its memory rebuilt from the log (desired state, outcomes, pending work,
   * approvals) before any consumer starts.
   */
  @Bean
  public ApplyEngine applierEngine(
      ApplierProperties props,
      ObjectProvider<ResourceApplier> appliers,
      RetryScheduler applierRetryScheduler,
      ApplyLanes applierLanes,
      ApplierMetrics applierMetrics,
      SecretProtector secretProtector,
      EventPublisher publisher,
      ReplayCheckpoints applierReplayCheckpoints) {
    Map<String, SyncPolicy> bySource = new LinkedHashMap<>();
    props.sources().forEach((id, p) -> bySource.put(id, policyOf(p)));
    Map<String, SyncWindows> windowsBySource = new LinkedHashMap<>();
    props.sources().forEach((id, p) -> windowsBySource.put(id, windowsOf(id, p)));
    ApplierProperties.Retry retry = props.retry();
    Clock clock = Clock.systemUTC();
    DesiredBook desired = new DesiredBook();
    OutcomeRecorder recorder =
        new OutcomeRecorder(
            SOURCE,
            publisher.sink(props.publishTimeout()),
            new DiffLedger(props.dedupeCapacity()),
            applierRetryScheduler,
            new Backoff(
                retry.initialBackoff(),
                retry.multiplier(),
                retry.maxBackoff(),
                retry.maxAttempts()),
            desired,
            applierMetrics,
            clock);
    ApplyEngine engine =
        new ApplyEngine(
            new ResourceActions(
                appliers.orderedStream().toList(),
                new SecretValues(secretProtector),
                desired,
                applierRetryScheduler,
                recorder,
                props.prunePropagation(),
                clock),
            desired,
            new Approvals(),
            new PolicyResolver(
                bySource,
                policyOf(props.defaults()),
                windowsBySource,
                windowsOf("defaults", props.defaults())),
            applierRetryScheduler,
            recorder,
            props.desiredWaitTimeout(),
            clock,
            orderGate(props),
            applierLanes);
    applierMetrics.gauges(applierRetryScheduler::size, engine::awaitingApprovals);
    // No work is this replica's until the diffs partitions are assigned (applierOwnership).
    engine.ownedBy(key -> false);
    applierReplayCheckpoints.restore(engine, engine::handles);
    return engine;
  }

  /**
   * Which resources this replica does the work of: those of the diffs partitions the shared group
   * assigns it; their work is derived from the log on assignment and handed back on revocation.
   */
  @Bean(destroyMethod = "close")
  public ReplicaOwnership applierOwnership(
      ApplyEngine applierEngine, ReplayCheckpoints applierReplayCheckpoints) {
    ReplicaOwnership ownership =
        new ReplicaOwnership(
            applierEngine,
            applierReplayCheckpoints,
            FUNCTIONS.get(0).binding(),
            Set.of(binding(DESIRED_IN), binding(APPROVALS_IN), binding(DIFFS_SEEN_IN)),
            HAND_OVER);
    applierEngine.ownedBy(ownership);
    return ownership;
  }

  private static String binding(String function) {
    return FUNCTIONS.stream()
        .filter(f -> f.name().equals(function))
        .findFirst()
        .orElseThrow()
        .binding();
  }

  /**
   * Reads every diff, in this replica's own group, for the order of writes; the diffs of resources
   * this replica owns are left to {@link #applierDiffsIn}.
   */
  @Bean(DIFFS_SEEN_IN)
  public Consumer<Message<byte[]>> applierDiffsSeenIn(ApplierInputs applierInputs) {
    return applierInputs::diffSeen;
  }

  /**
   * The lanes diffs and due retries run in ({@code opsledger.applier.concurrency}); closed when the
   * applier stops, what they still held is derived again from the log at the next start.
   */
  @Bean(destroyMethod = "close")
  public ApplyLanes applierLanes(ApplierProperties props) {
    return ApplyLanes.of(props.concurrency(), LANE_QUEUE);
  }

  /**
   * The start-up replay from the newest snapshot on {@code opsledger.applier.checkpoints}, and the
   * snapshots written after it.
   */
  @Bean
  public ReplayCheckpoints applierReplayCheckpoints(
      ApplierProperties props, OpsLedgerKafkaProperties kafka, EventCodec codec) {
    Clock clock = Clock.systemUTC();
    Checkpoints checkpoints =
        new Checkpoints(kafka.connection(), CheckpointTopic.APPLIER, props.replayTimeout(), clock);
    LogReplay replay =
        new LogReplay(
            kafka.connection(),
            codec,
            props.replayTimeout(),
            clock,
            checkpoints,
            props.dedupeCapacity(),
            props.forgetRemovedAfter());
    return new ReplayCheckpoints(replay, checkpoints, props.checkpointInterval());
  }

  /** Decodes the bindings' records for the engine; poison records go to the DLQ. */
  @Bean
  public ApplierInputs applierInputs(EventMessages messages, ApplyEngine applierEngine) {
    return new ApplierInputs(messages, applierEngine);
  }

  /**
   * Consumes {@code opsledger.diffs}. Idempotent: dedupe key is the diff's {@code ce_id} (see
   * {@link ApplyEngine#onDiff}); diffs of resources of other targets are ignored.
   */
  @Bean(DIFFS_IN)
  public Consumer<Message<byte[]>> applierDiffsIn(ApplierInputs applierInputs) {
    return applierInputs::diff;
  }

  /**
   * Consumes {@code opsledger.desired}. Idempotent: dedupe key is (resource, revision); a known
   * revision changes nothing.
   */
  @Bean(DESIRED_IN)
  public Consumer<Message<byte[]>> applierDesiredIn(ApplierInputs applierInputs) {
    return applierInputs::desired;
  }

  /**
   * Consumes the health reports on {@code opsledger.observed}; other observations are ignored
   * unread. Idempotent: the latest health of a resource replaces the last.
   */
  @Bean(HEALTH_IN)
  public Consumer<Message<byte[]>> applierHealthIn(ApplierInputs applierInputs) {
    return applierInputs::health;
  }

  /**
   * The order of writes: sync waves, and each source's {@code depends-on}, checked here for unknown
   * sources and cycles so that a bad setting stops the applier at start.
   */
  static OrderGate orderGate(ApplierProperties props) {
    if (!props.defaults().dependsOn().isEmpty()) {
      // A default would make every unlisted source, the one depended on included, wait for it.
      throw new IllegalStateException(
          "opsledger.applier.defaults.depends-on is not supported: set depends-on on each source");
    }
    Map<String, List<String>> dependsOn = new LinkedHashMap<>();
    props
        .sources()
        .forEach(
            (id, p) -> {
              if (!p.dependsOn().isEmpty()) {
                dependsOn.put(id, p.dependsOn());
              }
            });
    try {
      OrderGate.requireNoCycle(dependsOn);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          "opsledger.applier.sources.<id>.depends-on: " + e.getMessage(), e);
    }
    return new OrderGate(dependsOn, props.healthGrace());
  }

  /**
   * Consumes {@code opsledger.approvals}. Idempotent: approvals are a set; a diff applied after an
   * approval is in the dedupe ledger and is not applied again.
   */
  @Bean(APPROVALS_IN)
  public Consumer<Message<byte[]>> applierApprovalsIn(ApplierInputs applierInputs) {
    return applierInputs::approval;
  }

  /**
   * The management port: {@code POST /api/v1/approvals} and {@code POST /api/v1/rollbacks} behind
   * approver tokens, apart from the HTTP port that serves health and webhooks.
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnProperty(
      name = "opsledger.applier.management.enabled",
      havingValue = "true",
      matchIfMissing = true)
  public ManagementServer applierManagementServer(
      EventPublisher publisher,
      ApplierProperties props,
      OpsLedgerKafkaProperties kafka,
      EventCodec codec)
      throws IOException {
    ApplierProperties.Management m = props.management();
    return new ManagementServer(
        new InetSocketAddress(m.address(), m.port()),
        publisher,
        SOURCE,
        props.publishTimeout(),
        new ApproverTokens(m.tokens()),
        new HostCheck(m.allowedHosts()),
        m.maxBodySize(),
        new LogRollbackPlans(kafka.connection(), codec, props.replayTimeout()));
  }

  /**
   * The windows of a source, their cron expressions parsed here, at the edge: a bad expression,
   * kind or time zone stops the applier at start with the source and window it is in.
   */
  static SyncWindows windowsOf(String sourceId, ApplierProperties.SourcePolicy p) {
    List<SyncWindow> windows = new ArrayList<>();
    for (int i = 0; i < p.windows().size(); i++) {
      ApplierProperties.Window w = p.windows().get(i);
      String where = "opsledger.applier.sources." + sourceId + ".windows[" + i + "]";
      try {
        SyncWindow.Kind kind = SyncWindow.Kind.valueOf(w.kind().trim().toUpperCase(Locale.ROOT));
        CronExpression cron = CronExpression.parse(w.schedule());
        ZoneId zone = ZoneId.of(w.timeZone());
        SyncWindow.Schedule schedule =
            after -> {
              ZonedDateTime next = cron.next(after.atZone(zone));
              return next == null ? null : next.toInstant();
            };
        windows.add(
            new SyncWindow(
                kind,
                schedule,
                w.duration(),
                kind.name().toLowerCase(Locale.ROOT)
                    + " \""
                    + w.schedule()
                    + "\" for "
                    + w.duration()
                    + " ("
                    + zone
                    + ")"));
      } catch (IllegalArgumentException | java.time.DateTimeException e) {
        throw new IllegalStateException(where + ": " + e.getMessage(), e);
      }
    }
    return new SyncWindows(windows);
  }

  private static SyncPolicy policyOf(ApplierProperties.SourcePolicy p) {
    return new SyncPolicy(
        p.autoSync(),
        p.prune(),
        p.selfHeal(),
        p.dryRun(),
        p.forceConflicts(),
        p.pruneGuard(),
        p.detectOnly());
  }
}
