package dev.opsledger.notifier;

import dev.opsledger.events.EventCodec;
import dev.opsledger.events.EventType;
import dev.opsledger.events.Topic;
import dev.opsledger.notifier.channel.ChannelSpec;
import dev.opsledger.notifier.channel.Channels;
import dev.opsledger.notifier.channel.PullRequestComments;
import dev.opsledger.notifier.dispatch.ChannelDispatcher;
import dev.opsledger.notifier.dispatch.ChannelDispatchers;
import dev.opsledger.notifier.dispatch.DigestTicker;
import dev.opsledger.notifier.dispatch.LogOutcomes;
import dev.opsledger.notifier.dispatch.NotifierEngine;
import dev.opsledger.notifier.dispatch.NotifierHistory;
import dev.opsledger.notifier.dispatch.PreviewNotifier;
import dev.opsledger.notifier.dispatch.ReplicaLease;
import dev.opsledger.notifier.dispatch.ReplicaView;
import dev.opsledger.notifier.notice.Digest;
import dev.opsledger.notifier.notice.NoticeKind;
import dev.opsledger.notifier.notice.Notices;
import dev.opsledger.notifier.once.SentLedger;
import dev.opsledger.notifier.once.StormGuard;
import dev.opsledger.notifier.once.TokenBucket;
import dev.opsledger.notifier.route.RouteRule;
import dev.opsledger.notifier.route.Router;
import dev.opsledger.notifier.route.Templates;
import dev.opsledger.service.EventMessages;
import dev.opsledger.service.EventPublisher;
import dev.opsledger.service.OpsLedgerKafkaProperties;
import dev.opsledger.service.OpsLedgerServiceAutoConfiguration;
import dev.opsledger.service.StreamBindingsPropertySource;
import dev.opsledger.service.StreamFunction;
import dev.opsledger.service.core.Backoff;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.PropertySource;
import org.springframework.core.env.Environment;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;

/**
 * Wires the notifier: stream consumers ({@code notifierDesiredIn}, {@code notifierDiffsIn}, {@code
 * notifierAppliesIn}, {@code notifierCommitsIn}, {@code notifierObservedIn}, group {@code
 * opsledger-notifier}) hand decoded events to the {@link NotifierEngine}, which queues notices on
 * per-channel dispatchers; outcomes go to {@code opsledger.notifications}. Before the consumers
 * start, {@link NotifierHistory} rebuilds what was already sent from the log. Every bean name
 * starts with {@code notifier} so that all services can share one context.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(NotifierProperties.class)
@PropertySource(
    value = "classpath:opsledger-notifier.properties",
    factory = NotifierConfiguration.Defaults.class)
public class NotifierConfiguration {

  /** The {@code ce_source} of the notifier's events. */
  public static final String SOURCE = "/opsledger/notifier";

  /** The consumer of {@code opsledger.desired}: what each commit declares. */
  public static final String DESIRED_IN = "notifierDesiredIn";

  /** The consumer of {@code opsledger.diffs}. */
  public static final String DIFFS_IN = "notifierDiffsIn";

  /** The consumer of {@code opsledger.applies}. */
  public static final String APPLIES_IN = "notifierAppliesIn";

  /** The consumer of {@code opsledger.commits}. */
  public static final String COMMITS_IN = "notifierCommitsIn";

  /** The consumer of {@code opsledger.observed}: health changes (Degraded alerts). */
  public static final String OBSERVED_IN = "notifierObservedIn";

  /** The consumer of {@code opsledger.previews}: pull request comments. */
  public static final String PREVIEWS_IN = "notifierPreviewsIn";

  private static final String GROUP = "opsledger-notifier";

  /**
   * Previews in a group of their own: a host that is down for pull request comments never holds up
   * the commit and drift notices, and the digest's history replay does not read them.
   */
  private static final String PREVIEWS_GROUP = "opsledger-notifier-previews";

  /**
   * The notifier's stream functions; one named group, so a restart resumes where it stopped. In the
   * order a commit's events are written (desired, commit, diffs, applies), which is the order the
   * history is replayed in at start; then observed, whose health changes follow the applies.
   */
  public static final List<StreamFunction> FUNCTIONS =
      List.of(
          StreamFunction.of(DESIRED_IN, Topic.DESIRED, GROUP),
          StreamFunction.of(COMMITS_IN, Topic.COMMITS, GROUP),
          StreamFunction.of(DIFFS_IN, Topic.DIFFS, GROUP),
          StreamFunction.of(APPLIES_IN, Topic.APPLIES, GROUP),
          StreamFunction.of(OBSERVED_IN, Topic.OBSERVED, GROUP),
          StreamFunction.of(PREVIEWS_IN, Topic.PREVIEWS, PREVIEWS_GROUP));

  /** The notifier's defaults: its properties file and its bindings. */
  public static final class Defaults extends StreamBindingsPropertySource {
    /** Called by Spring for the {@code @PropertySource}. */
    public Defaults() {
      super(FUNCTIONS);
    }
  }

  private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(30);

  /** The notifier's meters (the application's registry, or a private one without actuator). */
  @Bean
  public NotifierMetrics notifierMetrics(ObjectProvider<MeterRegistry> registry) {
    return new NotifierMetrics(registry.getIfAvailable(SimpleMeterRegistry::new));
  }

  /** What was sent, per trigger and channel; rebuilt from the log at start. */
  @Bean
  public SentLedger notifierLedger(NotifierProperties props) {
    return new SentLedger(props.dedupeWindow(), props.capacity());
  }

  /** One dispatcher (thread, token bucket, retries) per configured channel. */
  @Bean(destroyMethod = "close")
  public ChannelDispatchers notifierDispatchers(
      NotifierProperties props,
      SentLedger notifierLedger,
      NotifierMetrics notifierMetrics,
      EventPublisher publisher) {
    Clock clock = Clock.systemUTC();
    HttpClient http = httpClient(props);
    Templates templates = templates(props);
    LogOutcomes outcomes =
        new LogOutcomes(
            publisher.sink(PUBLISH_TIMEOUT), notifierLedger, notifierMetrics, clock, SOURCE);
    var retry = props.retry();
    Backoff backoff =
        new Backoff(
            retry.initialBackoff(), retry.multiplier(), retry.maxBackoff(), retry.maxAttempts());
    List<ChannelDispatcher> dispatchers = new ArrayList<>();
    props
        .channels()
        .forEach(
            (name, c) -> {
              ChannelSpec spec =
                  spec(
                      props,
                      name,
                      c,
                      c.linkTemplate().isEmpty() ? props.linkTemplate() : c.linkTemplate());
              TokenBucket bucket =
                  new TokenBucket(
                      c.burst() == null ? props.rateLimit().burst() : c.burst(),
                      c.perSecond() == null ? props.rateLimit().perSecond() : c.perSecond(),
                      clock);
              dispatchers.add(
                  new ChannelDispatcher(
                      Channels.create(spec, http, templates),
                      bucket,
                      backoff,
                      retry.giveUpAfter(),
                      notifierLedger,
                      outcomes,
                      notifierMetrics));
            });
    return new ChannelDispatchers(dispatchers, props.shutdownTimeout());
  }

  /**
   * The engine, with its memory rebuilt from the log (notifications, and the triggers before the
   * group's committed offsets) before any consumer starts.
   */
  @Bean
  public NotifierEngine notifierEngine(
      NotifierProperties props,
      SentLedger notifierLedger,
      ChannelDispatchers notifierDispatchers,
      NotifierMetrics notifierMetrics,
      OpsLedgerKafkaProperties kafka,
      EventCodec codec,
      Environment env) {
    Clock clock = Clock.systemUTC();
    List<RouteRule> rules = new ArrayList<>();
    for (NotifierProperties.Route r : props.routes()) {
      rules.add(new RouteRule(r.events(), r.sources(), r.targets(), r.minSeverity(), r.channels()));
    }
    var d = props.digest();
    Digest digest =
        new Digest(
            new Digest.Policy(
                d.settleQuiet(),
                d.settleTimeout(),
                d.driftHold(),
                d.grace(),
                d.graceAttempts(),
                d.firstDiffs()),
            props.capacity());
    NotifierEngine engine =
        new NotifierEngine(
            new Notices(props.capacity()),
            digest,
            () -> new StormGuard(props.storm().maxNotices(), props.storm().window()),
            new Router(rules, notifierDispatchers.kinds()),
            notifierLedger,
            notifierDispatchers,
            notifierMetrics,
            clock,
            props.maxEventAge());
    Map<String, String> groups = new LinkedHashMap<>();
    for (StreamFunction f : FUNCTIONS) {
      if (f.topic() == Topic.PREVIEWS) {
        continue;
      }
      groups.put(
          env.getRequiredProperty(f.property("destination")),
          env.getRequiredProperty(f.groupProperty()));
    }
    Duration lookback = lookback(props);
    // A commit may take up to the settle timeout to settle: its first events lie that much before
    // the oldest trigger still worth a message, and the digest needs them to attribute its diffs.
    Duration replay = lookback.isZero() ? lookback : lookback.plus(props.digest().settleTimeout());
    if (props.replicas().enabled()) {
      // The replica's view reads the history (and everything after) instead: notifierView.
      engine.replicated(props.capacity());
      return engine;
    }
    new NotifierHistory(kafka.connection(), codec, clock, props.historyTimeout())
        .load(engine, groups, replay);
    return engine;
  }

  /**
   * Replicas: which one coordinates (sends commit statuses and the chat digest). Closed after the
   * dispatchers drained, so that the next coordinator reads on the log what this one sent.
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnProperty(prefix = "opsledger.notifier.replicas", name = "enabled")
  public ReplicaLease notifierLease(
      NotifierProperties props,
      OpsLedgerKafkaProperties kafka,
      Environment env,
      ConfigurableListableBeanFactory beans) {
    beans.registerDependentBean("notifierLease", "notifierDispatchers");
    return new ReplicaLease(
        kafka.connection(),
        sharedGroup(env) + "-lease",
        props.replicas().resolvedId(),
        props.replicas().leaseTimeout());
  }

  /**
   * Replicas: every partition of the triggers and notifications, read by this replica, from the
   * history on (see {@link ReplicaView}).
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnProperty(prefix = "opsledger.notifier.replicas", name = "enabled")
  public ReplicaView notifierView(
      NotifierProperties props,
      NotifierEngine notifierEngine,
      ReplicaLease notifierLease,
      OpsLedgerKafkaProperties kafka,
      EventCodec codec,
      Environment env,
      ObjectProvider<OpsLedgerServiceAutoConfiguration.TopicCatalogInitializer> topicsReady) {
    topicsReady.getIfAvailable(); // the view assigns every partition: the topics must exist
    List<String> topics = new ArrayList<>();
    for (StreamFunction f : FUNCTIONS) {
      if (f.topic() != Topic.PREVIEWS) {
        topics.add(env.getRequiredProperty(f.property("destination")));
      }
    }
    ReplicaView view =
        new ReplicaView(
            kafka.connection(),
            codec,
            notifierEngine,
            sharedGroup(env),
            props.replicas().resolvedId(),
            topics,
            Clock.systemUTC(),
            props.capacity());
    Duration lookback = lookback(props);
    view.start(
        lookback,
        lookback.isZero() ? lookback : lookback.plus(props.digest().settleTimeout()),
        props.historyTimeout());
    notifierLease.onChange(view::lease);
    return view;
  }

  /** The trigger bindings' group, shared by the replicas (the commits binding's). */
  private static String sharedGroup(Environment env) {
    return env.getRequiredProperty(
        FUNCTIONS.stream()
            .filter(f -> f.name().equals(COMMITS_IN))
            .findFirst()
            .orElseThrow()
            .groupProperty());
  }

  private static Duration lookback(NotifierProperties props) {
    return props.maxEventAge().isZero() || props.maxEventAge().isNegative()
        ? Duration.ZERO
        : (props.maxEventAge().compareTo(props.dedupeWindow()) >= 0
            ? props.maxEventAge()
            : props.dedupeWindow());
  }

  /**
   * The consumer of one trigger binding: alone, the engine handles each record; as one of several
   * replicas, the record's partition is this replica's, and it sends what its view kept for it.
   */
  private static Consumer<Message<byte[]>> trigger(
      EventMessages messages,
      NotifierEngine engine,
      ObjectProvider<ReplicaView> views,
      NotifierProperties props) {
    ReplicaView view = props.replicas().enabled() ? views.getObject() : null;
    if (view == null) {
      return m -> engine.handle(messages.decode(m));
    }
    return m -> {
      MessageHeaders h = m.getHeaders();
      try {
        engine.sendOwned(
            view.owned(
                h.get(KafkaHeaders.RECEIVED_TOPIC, String.class),
                h.get(KafkaHeaders.RECEIVED_PARTITION, Integer.class),
                h.get(KafkaHeaders.OFFSET, Long.class),
                props.historyTimeout()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    };
  }

  /**
   * Asks the engine for the chat digest's due notices on a timer; started after the history was
   * read, so that the first tick sends what a previous run owed.
   */
  @Bean(destroyMethod = "close")
  public DigestTicker notifierTicker(NotifierProperties props, NotifierEngine notifierEngine) {
    return DigestTicker.start(notifierEngine, props.digest().tick());
  }

  /**
   * Consumes {@code opsledger.desired}: which resources each commit declares, for its summary.
   * Idempotent: the digest keeps a set of resources per commit.
   */
  @Bean(DESIRED_IN)
  public Consumer<Message<byte[]>> notifierDesiredIn(
      EventMessages messages,
      NotifierEngine notifierEngine,
      ObjectProvider<ReplicaView> notifierView,
      NotifierProperties props) {
    return trigger(messages, notifierEngine, notifierView, props);
  }

  /**
   * Consumes {@code opsledger.diffs}: drift, missing, in sync (converged), diff failures.
   * Idempotent: the engine's ledger dedupes on the trigger's {@code ce_id} and channel.
   */
  @Bean(DIFFS_IN)
  public Consumer<Message<byte[]>> notifierDiffsIn(
      EventMessages messages,
      NotifierEngine notifierEngine,
      ObjectProvider<ReplicaView> notifierView,
      NotifierProperties props) {
    return trigger(messages, notifierEngine, notifierView, props);
  }

  /**
   * Consumes {@code opsledger.applies}: failures, approvals, apply progress for commit statuses.
   * Idempotent: the engine's ledger dedupes on the trigger's {@code ce_id} and channel.
   */
  @Bean(APPLIES_IN)
  public Consumer<Message<byte[]>> notifierAppliesIn(
      EventMessages messages,
      NotifierEngine notifierEngine,
      ObjectProvider<ReplicaView> notifierView,
      NotifierProperties props) {
    return trigger(messages, notifierEngine, notifierView, props);
  }

  /**
   * Consumes {@code opsledger.commits}: new revisions (pending status) and rejected commits.
   * Idempotent: the engine's ledger dedupes on the trigger's {@code ce_id} and channel.
   */
  @Bean(COMMITS_IN)
  public Consumer<Message<byte[]>> notifierCommitsIn(
      EventMessages messages,
      NotifierEngine notifierEngine,
      ObjectProvider<ReplicaView> notifierView,
      NotifierProperties props) {
    return trigger(messages, notifierEngine, notifierView, props);
  }

  /**
   * Consumes {@code opsledger.observed}: of it only {@code ResourceHealthChanged} to {@code
   * Degraded} gives a notice. The other observed events are told by their {@code ce_type} header
   * and dropped undecoded (an unreadable one is dead-lettered by the topic's own consumer, the
   * differ). Idempotent: the engine's ledger dedupes on the trigger's {@code ce_id} and channel.
   */
  @Bean(OBSERVED_IN)
  public Consumer<Message<byte[]>> notifierObservedIn(
      EventMessages messages,
      NotifierEngine notifierEngine,
      ObjectProvider<ReplicaView> notifierView,
      NotifierProperties props) {
    Consumer<Message<byte[]>> trigger = trigger(messages, notifierEngine, notifierView, props);
    return m -> {
      if (EventMessages.hasType(m, EventType.RESOURCE_HEALTH_CHANGED)) {
        trigger.accept(m);
      }
    };
  }

  /**
   * Pull request preview comments through every {@code github} and {@code gitlab} channel whose
   * routes let the preview's source through (a channel no route names gets every source).
   */
  @Bean
  public PreviewNotifier notifierPreviews(
      NotifierProperties props, NotifierMetrics notifierMetrics) {
    HttpClient http = httpClient(props);
    List<PullRequestComments> channels = new ArrayList<>();
    props
        .channels()
        .forEach(
            (name, c) ->
                Channels.pullRequestComments(spec(props, name, c, ""), http)
                    .ifPresent(channels::add));
    return new PreviewNotifier(
        channels,
        (channel, source) -> routesLet(props, channel, source),
        notifierMetrics.registry());
  }

  /**
   * Consumes {@code opsledger.previews}. Idempotent: the comment is found by its marker and only a
   * newer preview replaces it (see {@link PreviewNotifier}).
   */
  @Bean(PREVIEWS_IN)
  public Consumer<Message<byte[]>> notifierPreviewsIn(
      EventMessages messages, PreviewNotifier notifierPreviews) {
    return m -> notifierPreviews.accept(messages.decode(m));
  }

  private static boolean routesLet(NotifierProperties props, String channel, String source) {
    List<NotifierProperties.Route> naming =
        props.routes().stream().filter(r -> r.channels().contains(channel)).toList();
    return naming.isEmpty()
        || naming.stream()
            .anyMatch(
                r ->
                    r.sources().isEmpty()
                        || r.sources().contains("*")
                        || r.sources().contains(source));
  }

  private static Templates templates(NotifierProperties props) {
    Map<NoticeKind, Templates.Template> overrides = new EnumMap<>(NoticeKind.class);
    props
        .templates()
        .forEach(
            (kind, t) ->
                overrides.put(NoticeKind.parse(kind), new Templates.Template(t.title(), t.text())));
    return new Templates(overrides);
  }

  /** The notifier's HTTP client: its connect timeout, and never a redirect. */
  private static HttpClient httpClient(NotifierProperties props) {
    return HttpClient.newBuilder()
        .connectTimeout(props.connectTimeout())
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }

  /** A configured channel's spec, with the notifier's request timeout where it sets none. */
  private static ChannelSpec spec(
      NotifierProperties props, String name, NotifierProperties.Channel c, String linkTemplate) {
    return new ChannelSpec(
        name,
        c.type(),
        c.url(),
        c.urlFile(),
        c.token(),
        c.tokenFile(),
        c.secret(),
        c.secretFile(),
        c.apiUrl(),
        c.repository(),
        c.context(),
        linkTemplate,
        c.requestTimeout() == null ? props.requestTimeout() : c.requestTimeout(),
        c.slackChannel());
  }
}
