package dev.opsledger.cli;

import static dev.opsledger.testkit.TestAwait.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.events.Topic;
import dev.opsledger.kafka.KafkaSettings;
import dev.opsledger.testkit.GitFixture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A running pipeline exports every metric of the root README's table at {@code
 * /actuator/prometheus}: the five services of {@code opsledger up} in one process, a commit that
 * converges, a live edit that is healed and reported to Slack, a webhook request and a poison
 * record, then one scrape that must name them all.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricsE2E {

  private static final String TARGET = "metrics";
  private static final ResourceKey CONFIG =
      ResourceKey.of(TARGET, "", "ConfigMap", "shop", "web-config");

  // Static: one directory for the whole class (an instance field would be per test).
  @TempDir static Path dir;

  private GitFixture git;
  private HttpServer slack;
  private final AtomicInteger slackMessages = new AtomicInteger();
  private Launcher.Running running;
  private int httpPort;

  @BeforeAll
  void start() throws IOException {
    slack = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    slack.createContext(
        "/hooks/metrics",
        ex -> {
          ex.getRequestBody().readAllBytes();
          slackMessages.incrementAndGet();
          ex.sendResponseHeaders(200, 2);
          ex.getResponseBody().write("ok".getBytes(StandardCharsets.UTF_8));
          ex.close();
        });
    slack.start();
    git = GitFixture.create(dir.resolve("git"));
    httpPort = freePort();
    Map<String, Object> extra = new HashMap<>();
    extra.put("opsledger.notifier.dedupe-window", "1s");
    extra.put("opsledger.git-watcher.webhooks.generic.enabled", "true");
    extra.put("opsledger.git-watcher.webhooks.generic.secret", "metrics-e2e-webhook-secret");
    running =
        Launcher.start(
            new Launcher.Settings(
                dir.resolve("data"),
                git.remoteUrl(),
                "main",
                "",
                null,
                null,
                TARGET,
                true,
                true,
                true,
                0,
                0,
                httpPort,
                0,
                0,
                "1s",
                "http://127.0.0.1:" + slack.getAddress().getPort() + "/hooks/metrics",
                extra));
  }

  @AfterAll
  void stop() {
    if (running != null) {
      running.close();
    }
    slack.stop(0);
    git.close();
  }

  @Test
  void aScrapeOfTheRunningPipelineFindsEveryDocumentedMetric() throws Exception {
    git.commit("Add the shop")
        .write("apps/namespace.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n")
        .write("apps/config.yaml", configMap())
        .push();
    await("the config map is created").until(() -> configMap("greeting") != null);
    running
        .emulator()
        .client()
        .configMaps()
        .inNamespace("shop")
        .withName("web-config")
        .edit(
            c -> {
              c.getData().put("greeting", "edited live");
              return c;
            });
    await("the live edit is healed").until(() -> "hello".equals(configMap("greeting")));
    await("Slack was told").until(() -> slackMessages.get() > 0);
    assertThat(webhookWithoutSignature()).isEqualTo(401);
    poison();

    List<String> documented = MetricsTable.names();
    await("every documented metric is scraped")
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(
            () -> {
              String scrape = scrape();
              assertThat(documented.stream().filter(n -> !MetricsTable.scraped(scrape, n)))
                  .as("documented metrics missing from the scrape")
                  .isEmpty();
            });
  }

  private String configMap(String key) {
    var cm = running.emulator().client().configMaps().inNamespace("shop").withName("web-config");
    var live = cm.get();
    return live == null || live.getData() == null ? null : live.getData().get(key);
  }

  private int webhookWithoutSignature() throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:" + httpPort + "/webhooks/git-watcher/generic"))
                    .header("Content-Type", "application/json")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"repository\": \""
                                + git.remoteUrl()
                                + "\", \"ref\": \"refs/heads/main\"}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    return r.statusCode();
  }

  private void poison() throws Exception {
    try (var raw =
        new KafkaProducer<String, byte[]>(KafkaSettings.producer(running.bootstrapServers()))) {
      raw.send(
              new ProducerRecord<>(
                  Topic.DIFFS.topicName(),
                  CONFIG.toString(),
                  "{not an event".getBytes(StandardCharsets.UTF_8)))
          .get();
    }
  }

  private String scrape() throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + httpPort + "/actuator/prometheus"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  private static String configMap() {
    return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-config\n  namespace: shop\n"
        + "data:\n  greeting: hello\n";
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
