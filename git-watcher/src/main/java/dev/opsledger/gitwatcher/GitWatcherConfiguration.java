package dev.opsledger.gitwatcher;

import dev.opsledger.events.EventCodec;
import dev.opsledger.events.SecretProtector;
import dev.opsledger.gitwatcher.git.GitMirror;
import dev.opsledger.gitwatcher.manifest.ManifestPipeline;
import dev.opsledger.gitwatcher.manifest.ResourceScopes;
import dev.opsledger.gitwatcher.render.RenderTools;
import dev.opsledger.gitwatcher.source.PreviewSettings;
import dev.opsledger.gitwatcher.source.SourceConfigValidator;
import dev.opsledger.gitwatcher.source.SourceSettings;
import dev.opsledger.gitwatcher.watch.CommitLogCheckpoints;
import dev.opsledger.gitwatcher.watch.FetchScheduler;
import dev.opsledger.gitwatcher.watch.PreviewLog;
import dev.opsledger.gitwatcher.watch.PreviewRequests;
import dev.opsledger.gitwatcher.watch.PreviewWatcher;
import dev.opsledger.gitwatcher.watch.SourceWatcher;
import dev.opsledger.gitwatcher.webhook.WebhookController;
import dev.opsledger.service.EventPublisher;
import dev.opsledger.service.OpsLedgerKafkaProperties;
import dev.opsledger.service.StreamBindingsPropertySource;
import dev.opsledger.service.StreamFunction;
import dev.opsledger.service.core.EventSink;
import dev.opsledger.service.lease.LeaseHealthIndicator;
import dev.opsledger.service.lease.ServiceLease;
import dev.opsledger.service.tracing.EventTracing;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.PropertySource;

/**
 * Wires the git-watcher. It has no consumer bindings (it reads nothing but Git, and its checkpoint
 * with a plain consumer); it writes through the {@link EventPublisher} because a commit is only
 * recorded once Kafka acknowledged its desired events.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(GitWatcherProperties.class)
@PropertySource(
    value = "classpath:opsledger-git-watcher.properties",
    factory = GitWatcherConfiguration.Defaults.class)
public class GitWatcherConfiguration {

  /** The git-watcher binds no stream functions: it reads Git, and its checkpoint at start. */
  public static final List<StreamFunction> FUNCTIONS = List.of();

  /** The git-watcher's defaults: its properties file, and an empty function definition. */
  public static final class Defaults extends StreamBindingsPropertySource {
    /** Called by Spring for the {@code @PropertySource}. */
    public Defaults() {
      super(FUNCTIONS);
    }
  }

  /**
   * The validated sources.
   *
   * @throws IllegalStateException listing every configuration problem, so the service does not
   *     start with a half-valid configuration
   */
  @Bean
  public GitWatcherSources gitWatcherSources(GitWatcherProperties props) {
    SourceConfigValidator.Result result = SourceConfigValidator.validate(props.sources());
    if (result instanceof SourceConfigValidator.Result.Invalid i) {
      throw new IllegalStateException(
          "invalid git-watcher sources:\n  - " + String.join("\n  - ", i.problems()));
    }
    return new GitWatcherSources(((SourceConfigValidator.Result.Valid) result).sources());
  }

  /**
   * The Kustomize binary and render settings, found at start.
   *
   * @throws IllegalStateException when a source renders Kustomize paths and no binary is found,
   *     naming the source and the directories searched
   */
  @Bean
  public RenderTools gitWatcherRenderTools(GitWatcherProperties props, GitWatcherSources sources) {
    GitWatcherProperties.Rendering r = props.render();
    return RenderTools.locate(r.kustomizeSearchPath(), r.timeout(), r.workDir(), sources.all());
  }

  /** The git-watcher's meters. */
  @Bean
  public GitWatcherMetrics gitWatcherMetrics(ObjectProvider<MeterRegistry> registry) {
    return new GitWatcherMetrics(registry.getIfAvailable(SimpleMeterRegistry::new));
  }

  /** Runs source cycles on their poll intervals and on webhook requests. */
  @Bean(destroyMethod = "close")
  public FetchScheduler gitWatcherScheduler(GitWatcherProperties props, GitWatcherMetrics metrics) {
    return new FetchScheduler(props.workerThreads(), metrics);
  }

  /** The git-watcher's name in its lease topic, group and meters. */
  public static final String SERVICE = "git-watcher";

  /**
   * Which replica fetches and publishes ({@code opsledger.git-watcher.lease.*}); started and closed
   * by the {@link GitWatcherService}. Replicas share it when they watch the same sources: a
   * git-watcher of other sources is not their replica, and is active too.
   */
  @Bean
  public ServiceLease gitWatcherLease(
      GitWatcherProperties props,
      GitWatcherSources sources,
      OpsLedgerKafkaProperties kafka,
      ObjectProvider<MeterRegistry> registry) {
    return ServiceLease.of(
        SERVICE,
        sources.all().stream().map(SourceSettings::id).toList(),
        props.lease(),
        kafka.connection(),
        registry.getIfAvailable());
  }

  /** The lease in {@code /actuator/health} as {@code gitWatcherLease}: {@code active} or not. */
  @Bean
  public LeaseHealthIndicator gitWatcherLeaseHealthIndicator(ServiceLease gitWatcherLease) {
    return new LeaseHealthIndicator(gitWatcherLease);
  }

  /** One watcher per source, started with the context, fetching while it holds the lease. */
  @Bean
  public GitWatcherService gitWatcherService(
      GitWatcherProperties props,
      GitWatcherSources sources,
      OpsLedgerKafkaProperties kafka,
      EventCodec codec,
      EventPublisher publisher,
      SecretProtector secrets,
      GitWatcherMetrics metrics,
      FetchScheduler gitWatcherScheduler,
      RenderTools gitWatcherRenderTools,
      EventTracing tracing,
      PreviewRequests gitWatcherPreviewRequests,
      ServiceLease gitWatcherLease) {
    CommitLogCheckpoints checkpoints =
        new CommitLogCheckpoints(kafka.connection(), codec, props.publishTimeout());
    EventSink sink = publisher.sink(props.publishTimeout());
    ResourceScopes scopes = new ResourceScopes(props.clusterScopedKinds());
    List<SourceWatcher> watchers = new ArrayList<>();
    PreviewLog previewLog = new PreviewLog(kafka.connection(), codec, props.publishTimeout());
    Map<String, PreviewSettings> previews = previewSettings(props);
    for (SourceSettings s : sources.all()) {
      GitMirror mirror = new GitMirror(s, props.cacheDir());
      PreviewSettings preview = previews.getOrDefault(s.id(), PreviewSettings.OFF);
      watchers.add(
          new SourceWatcher(
                  s,
                  mirror,
                  new ManifestPipeline(s.target(), s.defaultNamespace(), scopes, secrets),
                  checkpoints,
                  sink,
                  metrics,
                  props.maxFileBytes(),
                  props.publishBatchSize(),
                  gitWatcherRenderTools.rendererFor(s).orElse(null),
                  tracing)
              .previewing(
                  preview.enabled()
                      ? new PreviewWatcher(
                          s,
                          preview,
                          mirror,
                          sink,
                          previewLog,
                          gitWatcherPreviewRequests,
                          Clock.systemUTC())
                      : null));
    }
    return new GitWatcherService(
        watchers, gitWatcherScheduler, gitWatcherLease, gitWatcherPreviewRequests);
  }

  /** What pull request webhooks tell the watchers (closed, reopened). */
  @Bean
  public PreviewRequests gitWatcherPreviewRequests() {
    return new PreviewRequests();
  }

  /**
   * The push and pull request webhook receivers; a standby forwards what they receive to the
   * replica that holds the lease.
   */
  @Bean
  public WebhookController gitWatcherWebhookController(
      GitWatcherProperties props,
      GitWatcherSources sources,
      FetchScheduler gitWatcherScheduler,
      GitWatcherMetrics metrics,
      PreviewRequests gitWatcherPreviewRequests,
      GitWatcherService gitWatcherService) {
    return new WebhookController(props.webhooks(), sources.all(), gitWatcherScheduler, metrics)
        .previewing(previewSettings(props), gitWatcherPreviewRequests)
        .triggering(gitWatcherService::trigger);
  }

  /** The preview settings of every configured source, by id. */
  private static Map<String, PreviewSettings> previewSettings(GitWatcherProperties props) {
    Map<String, PreviewSettings> out = new HashMap<>();
    for (GitWatcherProperties.Source s : props.sources()) {
      if (s.id() != null) {
        out.put(s.id(), PreviewSettings.of(s));
      }
    }
    return out;
  }
}
