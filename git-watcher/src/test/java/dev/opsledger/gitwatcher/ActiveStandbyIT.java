package dev.opsledger.gitwatcher;

import static dev.opsledger.testkit.TestAwait.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.events.CommitObserved;
import dev.opsledger.gitwatcher.support.EventLog;
import dev.opsledger.gitwatcher.support.Watchers;
import dev.opsledger.service.lease.LeaseHealthIndicator;
import dev.opsledger.service.lease.ServiceLease;
import dev.opsledger.testkit.GitFixture;
import dev.opsledger.testkit.SharedKafka;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two git-watchers on one branch, as two replicas of one Deployment: only the one that holds the
 * lease fetches and publishes, so every revision is recorded once; a push webhook sent to the
 * standby is forwarded and fetched at once by the active one; when the active one shuts down, the
 * standby resumes from the log and records what came after, still once.
 */
class ActiveStandbyIT {

  private static final Logger LOG = LoggerFactory.getLogger(ActiveStandbyIT.class);

  private final String source = Watchers.uniqueId("replicas");
  private final List<ConfigurableApplicationContext> replicas = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();
  private Path dir;
  private GitFixture git;
  private EventLog log;

  @BeforeEach
  void repository() throws IOException {
    dir = Files.createTempDirectory("git-watcher-replicas");
    git = GitFixture.create(dir.resolve("repo"));
    git.commit("init").write("a.yaml", configMap("a")).push();
    log = new EventLog(source);
  }

  @AfterEach
  void close() {
    replicas.forEach(ConfigurableApplicationContext::close);
    log.close();
    git.close();
  }

  @Test
  void twoReplicasRecordEachRevisionOnceAndTheStandbyTakesOver() {
    ConfigurableApplicationContext a = replica("a");
    ConfigurableApplicationContext b = replica("b");
    await("one replica holds the lease").until(() -> active(a) || active(b));
    ConfigurableApplicationContext holder = active(a) ? a : b;
    ConfigurableApplicationContext standby = holder == a ? b : a;
    await("the holder recorded the head at once").until(() -> log.observed().size() == 1);
    assertThat(leaseHealth(holder)).containsEntry("active", true);
    assertThat(leaseHealth(standby)).containsEntry("active", false);
    assertThat(leaseGauge(holder)).isEqualTo(1.0);
    assertThat(leaseGauge(standby)).isEqualTo(0.0);

    String pushed = git.commit("second").write("b.yaml", configMap("b")).push();
    HttpResponse<String> answer = push(standby);

    assertThat(answer.statusCode()).isEqualTo(202);
    await("the webhook the standby received is fetched by the holder, without waiting for the poll")
        .until(() -> recorded().containsKey(pushed));

    String whileClosing = git.commit("third").write("c.yaml", configMap("c")).push();
    long closed = System.nanoTime();
    holder.close();
    await("the standby took over and recorded the commit nobody was told about")
        .until(() -> recorded().containsKey(whileClosing));
    LOG.info(
        "figure: the standby recorded a new commit {} ms after the holder closed",
        (System.nanoTime() - closed) / 1_000_000);

    String afterTakeover = git.commit("fourth").write("d.yaml", configMap("d")).push();
    assertThat(push(standby).statusCode()).isEqualTo(202);
    await("the new holder fetches on its own webhooks")
        .until(() -> recorded().containsKey(afterTakeover));

    assertThat(recorded()).hasSize(4).allSatisfy((sha, times) -> assertThat(times).isEqualTo(1));
    assertThat(log.observed().stream().map(CommitObserved::sequence))
        .containsExactly(1L, 2L, 3L, 4L);
  }

  /** How many {@code CommitObserved} each revision got. */
  private Map<String, Long> recorded() {
    return log.observed().stream()
        .collect(Collectors.groupingBy(CommitObserved::sha, Collectors.counting()));
  }

  private ConfigurableApplicationContext replica(String name) {
    ConfigurableApplicationContext context =
        new SpringApplicationBuilder(GitWatcherApplication.class)
            .run(
                arguments(
                    Map.ofEntries(
                        Map.entry("server.port", "0"),
                        Map.entry("spring.application.name", "git-watcher-" + name),
                        Map.entry(
                            "opsledger.secrets.key",
                            "BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc="),
                        Map.entry(
                            "opsledger.kafka.bootstrap-servers", SharedKafka.bootstrapServers()),
                        Map.entry(
                            "opsledger.git-watcher.cache-dir",
                            dir.resolve("cache-" + name).toString()),
                        Map.entry("opsledger.git-watcher.sources[0].id", source),
                        Map.entry("opsledger.git-watcher.sources[0].url", git.remoteUrl()),
                        Map.entry("opsledger.git-watcher.sources[0].target", "replicas-cluster"),
                        // Only webhooks and take-overs fetch: a poll would hide a lost webhook.
                        Map.entry("opsledger.git-watcher.sources[0].poll-interval", "1h"),
                        Map.entry("opsledger.git-watcher.webhooks.generic.enabled", "true"),
                        Map.entry("opsledger.git-watcher.webhooks.generic.insecure", "true"),
                        Map.entry("opsledger.git-watcher.lease.session-timeout", "6s"),
                        Map.entry("opsledger.git-watcher.lease.heartbeat-interval", "500ms"))));
    replicas.add(context);
    return context;
  }

  /** Command-line arguments, which win over the services' defaults as a deployment's do. */
  private static String[] arguments(Map<String, String> properties) {
    return properties.entrySet().stream()
        .map(e -> "--" + e.getKey() + "=" + e.getValue())
        .toArray(String[]::new);
  }

  /** What {@code /actuator/health} says of the replica's lease. */
  private static Map<String, Object> leaseHealth(ConfigurableApplicationContext context) {
    return context
        .getBean("gitWatcherLeaseHealthIndicator", LeaseHealthIndicator.class)
        .health()
        .getDetails();
  }

  private static double leaseGauge(ConfigurableApplicationContext context) {
    return context
        .getBean(MeterRegistry.class)
        .get("opsledger.lease.active")
        .tag("service", "git-watcher")
        .gauge()
        .value();
  }

  private static boolean active(ConfigurableApplicationContext context) {
    return context.isActive() && context.getBean("gitWatcherLease", ServiceLease.class).active();
  }

  private HttpResponse<String> push(ConfigurableApplicationContext replica) {
    String port = replica.getEnvironment().getProperty("local.server.port");
    String body = "{\"repository\":\"" + git.remoteUrl() + "\",\"ref\":\"refs/heads/main\"}";
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/webhooks/git-watcher/generic"))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", "application/json")
            .build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String configMap(String name) {
    return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\n";
  }
}
