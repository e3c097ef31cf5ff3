package dev.opsledger.gitwatcher.support;

import dev.opsledger.events.EventCodec;
import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.SecretProtector;
import dev.opsledger.gitwatcher.GitWatcherMetrics;
import dev.opsledger.gitwatcher.GitWatcherProperties;
import dev.opsledger.gitwatcher.git.GitMirror;
import dev.opsledger.gitwatcher.manifest.ManifestPipeline;
import dev.opsledger.gitwatcher.manifest.ResourceScopes;
import dev.opsledger.gitwatcher.render.RenderTools;
import dev.opsledger.gitwatcher.render.SourceRenderer;
import dev.opsledger.gitwatcher.source.PreviewSettings;
import dev.opsledger.gitwatcher.source.RenderSettings;
import dev.opsledger.gitwatcher.source.RepositoryUrls;
import dev.opsledger.gitwatcher.source.SourceSettings;
import dev.opsledger.gitwatcher.watch.CommitLogCheckpoints;
import dev.opsledger.gitwatcher.watch.PreviewLog;
import dev.opsledger.gitwatcher.watch.PreviewRequests;
import dev.opsledger.gitwatcher.watch.PreviewWatcher;
import dev.opsledger.gitwatcher.watch.SourceWatcher;
import dev.opsledger.kafka.KafkaConnection;
import dev.opsledger.service.EventPublisher;
import dev.opsledger.service.core.EventSink;
import dev.opsledger.testkit.SharedKafka;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** Builds real watchers (real JGit, real broker) for integration tests and the benchmark. */
public final class Watchers {

  /** The fleet key of the tests: fixed, so content hashes are stable across "restarts". */
  public static final SecretProtector SECRETS = new SecretProtector(new byte[32]);

  private static EventPublisher publisher;

  private Watchers() {}

  /** One publisher per JVM, as one service has. */
  public static synchronized EventPublisher publisher() {
    if (publisher == null) {
      EventLog.ensureTopics();
      publisher =
          new EventPublisher(
              SharedKafka.bootstrapServers(), new EventCodec(), new SimpleMeterRegistry());
    }
    return publisher;
  }

  /** A unique source id for a test. */
  public static String uniqueId(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** A source on a repository URL that renders directories, every commit recorded. */
  public static SourceSettings source(String id, String url, String path, RenderSettings render) {
    SourceSettings plain = source(id, url, path);
    return new SourceSettings(
        plain.id(),
        plain.url(),
        plain.kind(),
        plain.branch(),
        plain.path(),
        plain.target(),
        plain.defaultNamespace(),
        plain.pollInterval(),
        plain.recordAllCommits(),
        plain.auth(),
        render);
  }

  /** A source on a repository URL, every commit recorded. */
  public static SourceSettings source(String id, String url, String path) {
    return new SourceSettings(
        id,
        url,
        RepositoryUrls.classify(url).orElseThrow(),
        "main",
        path,
        "cluster-" + id,
        "apps",
        Duration.ofSeconds(30),
        true,
        GitWatcherProperties.Auth.NONE);
  }

  /** A watcher that records the order of everything it publishes in {@code published}. */
  public static SourceWatcher watcher(
      SourceSettings source, Path cacheDir, List<EventEnvelope<?>> published) {
    return watcher(source, cacheDir, published, null);
  }

  /**
   * A watcher that renders the source's Kustomize paths and charts with the tools found on the
   * {@code PATH}, writing trees under {@code cacheDir}.
   */
  public static SourceWatcher renderingWatcher(
      SourceSettings source, Path cacheDir, List<EventEnvelope<?>> published) {
    RenderTools tools =
        RenderTools.locate(
            null, Duration.ofSeconds(60), cacheDir.resolve("render"), List.of(source));
    return watcher(source, cacheDir, published, tools.rendererFor(source).orElseThrow());
  }

  private static SourceWatcher watcher(
      SourceSettings source,
      Path cacheDir,
      List<EventEnvelope<?>> published,
      SourceRenderer renderer) {
    EventLog.ensureTopics();
    EventSink sink =
        sink(
            events -> {
              publisher().publishAll(events, Duration.ofSeconds(60));
              published.addAll(events);
            });
    return new SourceWatcher(
        source,
        new GitMirror(source, cacheDir),
        new ManifestPipeline(
            source.target(), source.defaultNamespace(), new ResourceScopes(List.of()), SECRETS),
        new CommitLogCheckpoints(
            KafkaConnection.of(SharedKafka.bootstrapServers()),
            new EventCodec(),
            Duration.ofSeconds(60)),
        sink,
        new GitWatcherMetrics(new SimpleMeterRegistry()),
        2L * 1024 * 1024,
        1000,
        renderer);
  }

  /**
   * A watcher that also previews the source's pull requests ({@code provider}'s refs), reading its
   * preview history from the shared broker.
   */
  public static SourceWatcher previewingWatcher(
      SourceSettings source,
      Path cacheDir,
      String provider,
      PreviewRequests requests,
      List<EventEnvelope<?>> published) {
    EventLog.ensureTopics();
    EventSink sink =
        sink(
            events -> {
              publisher().publishAll(events, Duration.ofSeconds(60));
              published.addAll(events);
            });
    GitMirror mirror = new GitMirror(source, cacheDir);
    KafkaConnection kafka = KafkaConnection.of(SharedKafka.bootstrapServers());
    return new SourceWatcher(
            source,
            mirror,
            new ManifestPipeline(
                source.target(), source.defaultNamespace(), new ResourceScopes(List.of()), SECRETS),
            new CommitLogCheckpoints(kafka, new EventCodec(), Duration.ofSeconds(60)),
            sink,
            new GitWatcherMetrics(new SimpleMeterRegistry()),
            2L * 1024 * 1024,
            1000,
            null)
        .previewing(
            new PreviewWatcher(
                source,
                new PreviewSettings(provider, Duration.ofDays(14)),
                mirror,
                sink,
                new PreviewLog(kafka, new EventCodec(), Duration.ofSeconds(60)),
                requests,
                Clock.systemUTC()));
  }

  /** A sink for a watcher, which only ever sends and waits, through {@code sendAndWait}. */
  public static EventSink sink(Consumer<List<? extends EventEnvelope<?>>> sendAndWait) {
    return new EventSink() {
      @Override
      public CompletableFuture<?> send(EventEnvelope<?> event) {
        throw new UnsupportedOperationException("the watcher waits for every acknowledgement");
      }

      @Override
      public void sendAndWait(List<? extends EventEnvelope<?>> events) {
        sendAndWait.accept(events);
      }
    };
  }

  /** A watcher whose published events are not kept. */
  public static SourceWatcher watcher(SourceSettings source, Path cacheDir) {
    return watcher(source, cacheDir, new CopyOnWriteArrayList<>());
  }
}
