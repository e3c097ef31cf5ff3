package dev.opsledger.notifier;

import dev.opsledger.events.EventCodec;
import dev.opsledger.notifier.channel.ChannelSpec;
import dev.opsledger.notifier.channel.Channels;
import dev.opsledger.notifier.dispatch.ChannelDispatcher;
import dev.opsledger.notifier.dispatch.ChannelDispatchers;
import dev.opsledger.notifier.dispatch.LogOutcomes;
import dev.opsledger.notifier.dispatch.NotifierEngine;
import dev.opsledger.notifier.dispatch.NotifierHistory;
import dev.opsledger.notifier.dispatch.NotifierMetrics;
import dev.opsledger.notifier.notice.NoticeKind;
import dev.opsledger.notifier.notice.Notices;
import dev.opsledger.notifier.once.SentLedger;
import dev.opsledger.notifier.once.TokenBucket;
import dev.opsledger.notifier.route.RouteRule;
import dev.opsledger.notifier.route.Router;
import dev.opsledger.notifier.route.Templates;
import dev.opsledger.service.EventMessages;
import dev.opsledger.service.EventPublisher;
import dev.opsledger.service.OpsLedgerKafkaProperties;
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
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.PropertySource;
import org.springframework.core.env.Environment;
import org.springframework.messaging.Message;

/**
 * Wires the notifier: three stream consumers ({@code notifierDiffsIn}, {@code notifierAppliesIn},
 * {@code notifierCommitsIn}, group {@code opsledger-notifier}) hand decoded events to the {@link
 * NotifierEngine}, which queues notices on per-channel dispatchers; outcomes go to {@code
 * opsledger.notifications}. Before the consumers start, {@link NotifierHistory} rebuilds what was
 * already sent from the log. Every bean name starts with {@code notifier} so that all services can
 * share one context.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(NotifierProperties.class)
@PropertySource("classpath:opsledger-notifier.properties")
public class NotifierConfiguration {

  /** The {@code ce_source} of the notifier's events. */
  public static final String SOURCE = "/opsledger/notifier";

  /** The consumer of {@code opsledger.diffs}. */
  public static final String DIFFS_IN = "notifierDiffsIn";

  /** The consumer of {@code opsledger.applies}. */
  public static final String APPLIES_IN = "notifierAppliesIn";

  /** The consumer of {@code opsledger.commits}. */
  public static final String COMMITS_IN = "notifierCommitsIn";

  private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(30);

  /** The notifier's meters (the application's registry, or a private one without actuator). */
  @Bean
  public NotifierMetrics notifierMetrics(ObjectProvider<MeterRegistry> registry) {
    return new NotifierMetrics(registry.getIfAvailable(SimpleMeterRegistry::new));
  }

  /** What was sent, per trigger and channel; rebuilt from the log at start. */
  @Bean
  public SentLedger notifierLedger(NotifierProperties props) {
    return new SentLedger(props.getDedupeWindow(), props.getCapacity());
  }

  /** One dispatcher (thread, token bucket, retries) per configured channel. */
  @Bean(destroyMethod = "close")
  public ChannelDispatchers notifierDispatchers(
      NotifierProperties props,
      SentLedger notifierLedger,
      NotifierMetrics notifierMetrics,
      EventPublisher publisher) {
    Clock clock = Clock.systemUTC();
    HttpClient http =
        HttpClient.newBuilder()
            .connectTimeout(props.getConnectTimeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    Templates templates = templates(props);
    LogOutcomes outcomes =
        new LogOutcomes(
            publisher.sink(PUBLISH_TIMEOUT), notifierLedger, notifierMetrics, clock, SOURCE);
    var retry = props.getRetry();
    Backoff backoff =
        new Backoff(
            retry.getInitialBackoff(),
            retry.getMultiplier(),
            retry.getMaxBackoff(),
            retry.getMaxAttempts());
    List<ChannelDispatcher> dispatchers = new ArrayList<>();
    props
        .getChannels()
        .forEach(
            (name, c) -> {
              ChannelSpec spec =
                  new ChannelSpec(
                      name,
                      c.getType(),
                      c.getUrl(),
                      c.getUrlFile(),
                      c.getToken(),
                      c.getTokenFile(),
                      c.getSecret(),
                      c.getSecretFile(),
                      c.getApiUrl(),
                      c.getRepository(),
                      c.getContext(),
                      c.getLinkTemplate().isEmpty() ? props.getLinkTemplate() : c.getLinkTemplate(),
                      c.getRequestTimeout() == null
                          ? props.getRequestTimeout()
                          : c.getRequestTimeout());
              TokenBucket bucket =
                  new TokenBucket(
                      c.getBurst() == null ? props.getRateLimit().getBurst() : c.getBurst(),
                      c.getPerSecond() == null
                          ? props.getRateLimit().getPerSecond()
                          : c.getPerSecond(),
                      clock);
              dispatchers.add(
                  new ChannelDispatcher(
                      Channels.create(spec, http, templates),
                      bucket,
                      backoff,
                      notifierLedger,
                      outcomes,
                      notifierMetrics));
            });
    return new ChannelDispatchers(dispatchers, props.getShutdownTimeout());
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
    for (NotifierProperties.Route r : props.getRoutes()) {
      rules.add(
          new RouteRule(
              r.getEvents(), r.getSources(), r.getTargets(), r.getMinSeverity(), r.getChannels()));
    }
    NotifierEngine engine =
        new NotifierEngine(
            new Notices(props.getCapacity()),
            new Router(rules, notifierDispatchers.kinds()),
            notifierLedger,
            notifierDispatchers,
            notifierMetrics,
            clock,
            props.getMaxEventAge());
    Map<String, String> groups = new LinkedHashMap<>();
    for (String binding : List.of(DIFFS_IN, APPLIES_IN, COMMITS_IN)) {
      String prefix = "spring.cloud.stream.bindings." + binding + "-in-0.";
      groups.put(
          env.getRequiredProperty(prefix + "destination"),
          env.getRequiredProperty(prefix + "group"));
    }
    Duration lookback =
        props.getMaxEventAge().isZero() || props.getMaxEventAge().isNegative()
            ? Duration.ZERO
            : (props.getMaxEventAge().compareTo(props.getDedupeWindow()) >= 0
                ? props.getMaxEventAge()
                : props.getDedupeWindow());
    new NotifierHistory(kafka.getBootstrapServers(), codec, clock, props.getHistoryTimeout())
        .load(engine, groups, lookback);
    return engine;
  }

  /**
   * Consumes {@code opsledger.diffs}: drift, missing, in sync (converged), diff failures.
   * Idempotent: the engine's ledger dedupes on the trigger's {@code ce_id} and channel.
   */
  @Bean
  public Consumer<Message<byte[]>> notifierDiffsIn(
      EventMessages messages, NotifierEngine notifierEngine) {
    return m -> notifierEngine.handle(messages.decode(m));
  }

  /**
   * Consumes {@code opsledger.applies}: failures, approvals, apply progress for commit statuses.
   * Idempotent: the engine's ledger dedupes on the trigger's {@code ce_id} and channel.
   */
  @Bean
  public Consumer<Message<byte[]>> notifierAppliesIn(
      EventMessages messages, NotifierEngine notifierEngine) {
    return m -> notifierEngine.handle(messages.decode(m));
  }

  /**
   * Consumes {@code opsledger.commits}: new revisions (pending status) and rejected commits.
   * Idempotent: the engine's ledger dedupes on the trigger's {@code ce_id} and channel.
   */
  @Bean
  public Consumer<Message<byte[]>> notifierCommitsIn(
      EventMessages messages, NotifierEngine notifierEngine) {
    return m -> notifierEngine.handle(messages.decode(m));
  }

  private static Templates templates(NotifierProperties props) {
    Map<NoticeKind, Templates.Template> overrides = new EnumMap<>(NoticeKind.class);
    props
        .getTemplates()
        .forEach(
            (kind, t) ->
                overrides.put(
                    NoticeKind.parse(kind), new Templates.Template(t.getTitle(), t.getText())));
    return new Templates(overrides);
  }
}
