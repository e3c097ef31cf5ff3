package dev.opsledger.audit;

import static dev.opsledger.testkit.TestAwait.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsledger.events.CanonicalJson;
import dev.opsledger.events.DesiredStateChanged;
import dev.opsledger.events.DriftDetected;
import dev.opsledger.events.EventJson;
import dev.opsledger.events.Person;
import dev.opsledger.events.ResourceInSync;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.kafka.KafkaConnection;
import dev.opsledger.kafka.TopicBootstrapper;
import dev.opsledger.testkit.LogWriter;
import dev.opsledger.testkit.SharedKafka;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The audit server's side of the web view on a real broker: the page's static files with their
 * headers, the status listing, and the event stream that carries each change to the page.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditWebIT {

  private static final String TOKEN = "w3b-t0ken";

  private final String target = "web-" + UUID.randomUUID().toString().substring(0, 8);
  private final ResourceKey cm = ResourceKey.of(target, "", "ConfigMap", "shop", "conf");
  private final ResourceKey other = ResourceKey.of(target, "", "ConfigMap", "shop", "other");
  private final String rev = "a".repeat(32) + target;
  private final HttpClient http = HttpClient.newHttpClient();
  private String bootstrap;
  private AuditHttpServer server;

  @BeforeAll
  void start() throws Exception {
    bootstrap = SharedKafka.bootstrapServers();
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      new TopicBootstrapper(admin, (short) 1, Duration.ofSeconds(30)).ensureCatalogue();
    }
    Instant t = Instant.now();
    try (var log = new LogWriter(bootstrap)) {
      for (ResourceKey k : List.of(cm, other)) {
        JsonNode m = manifest(k.name(), "1");
        log.write(
            t,
            rev,
            new DesiredStateChanged(
                k,
                "deploy",
                rev,
                "apps/conf.yaml",
                CanonicalJson.hash(m),
                m,
                new Person("Alice", "alice@example.com"),
                t,
                null));
        log.write(t, rev, new ResourceInSync(k, "deploy", rev, CanonicalJson.hash(m), t));
      }
    }
    server = newServer();
  }

  private AuditHttpServer newServer() throws java.io.IOException {
    return new AuditHttpServer(
        new AuditService(KafkaConnection.of(bootstrap), null),
        new InetSocketAddress("127.0.0.1", 0),
        TOKEN,
        Duration.ofMillis(200),
        Duration.ofMillis(300));
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void servesThePageWithItsContentTypesCachingAndAStrictPolicyWithoutAToken() throws Exception {
    HttpResponse<String> index = get("/", null);
    assertThat(index.statusCode()).isEqualTo(200);
    assertThat(index.headers().firstValue("Content-Type")).contains("text/html; charset=utf-8");
    assertThat(index.headers().firstValue("Cache-Control")).contains("no-cache");
    assertThat(index.headers().firstValue("Content-Security-Policy").orElseThrow())
        .contains("default-src 'none'")
        .contains("script-src 'self'")
        .doesNotContain("unsafe-inline")
        .doesNotContain("unsafe-eval");
    assertThat(index.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
    assertThat(index.body()).as("no inline script").doesNotContainPattern("<script[^>]*>[^<]");

    Matcher js = Pattern.compile("assets/index-[\\w-]+\\.js").matcher(index.body());
    assertThat(js.find()).as(index.body()).isTrue();
    HttpResponse<String> bundle = get("/" + js.group(), null);
    assertThat(bundle.statusCode()).isEqualTo(200);
    assertThat(bundle.headers().firstValue("Content-Type"))
        .contains("text/javascript; charset=utf-8");
    assertThat(bundle.headers().firstValue("Cache-Control"))
        .contains("public, max-age=31536000, immutable");
    assertThat(get("/index.html", null).body()).isEqualTo(index.body());
  }

  @Test
  void refusesPathsOutsideThePageFolderAndWrites() throws Exception {
    for (String path :
        List.of(
            "/../dev/opsledger/audit/AuditService.class",
            "/assets/../../dev/opsledger/audit/AuditService.class",
            "/%2e%2e/logback-test.xml",
            "/assets%2f..%2f..%2fdev/opsledger/audit/AuditService.class",
            "/dev/opsledger/audit/AuditService.class",
            "/opsledger-web/index.html",
            "/.hidden",
            "/assets/")) {
      HttpResponse<String> r = get(path, null);
      assertThat(r.statusCode()).as(path).isEqualTo(404);
      assertThat(r.body()).as(path).doesNotContain("cafebabe").hasSizeLessThan(200);
    }
    HttpResponse<String> post =
        http.send(
            HttpRequest.newBuilder(uri("/")).POST(HttpRequest.BodyPublishers.ofString("x")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(405);
  }

  @Test
  void statusAndStreamAnswer401WithoutTheToken() throws Exception {
    assertThat(get("/api/v1/status", null).statusCode()).isEqualTo(401);
    assertThat(get("/api/v1/status", "wrong").statusCode()).isEqualTo(401);
    assertThat(get("/api/v1/stream", null).statusCode()).isEqualTo(401);
    assertThat(get("/api/v1/stream?token=" + TOKEN, null).statusCode())
        .as("the token is taken from the Authorization header only")
        .isEqualTo(401);
  }

  @Test
  void statusListsEveryResourceWithItsKeyAndPagesByKey() throws Exception {
    HttpResponse<String> all = get("/api/v1/status", TOKEN);
    assertThat(all.statusCode()).isEqualTo(200);
    JsonNode mine = rowOf(EventJson.mapper().readTree(all.body()), cm.toString());
    assertThat(mine).isNotNull();
    assertThat(mine.path("state").path("syncState").asText()).isEqualTo("InSync");
    assertThat(mine.path("state").path("declaredRevision").asText()).isEqualTo(rev);

    HttpResponse<String> page = get("/api/v1/status?limit=1&after=" + cm, TOKEN);
    JsonNode rows = EventJson.mapper().readTree(page.body()).get("resources");
    assertThat(rows).hasSize(1);
    assertThat(rows.get(0).get("key").asText()).isEqualTo(other.toString());
    assertThat(get("/api/v1/status?limit=0", TOKEN).statusCode()).isEqualTo(400);
  }

  @Test
  void streamTellsEachChangeEvenAHealedDriftAndBeatsWhileQuietAndEndsWithTheServer()
      throws Exception {
    // A server of its own: this test closes it.
    AuditHttpServer own = newServer();
    List<String> lines = new CopyOnWriteArrayList<>();
    var response =
        http.sendAsync(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + own.port() + "/api/v1/stream"))
                .header("Authorization", "Bearer " + TOKEN)
                .build(),
            HttpResponse.BodyHandlers.ofLines());
    Thread reader =
        new Thread(
            () -> {
              try {
                response.join().body().forEach(lines::add);
              } catch (RuntimeException e) {
                lines.add("!closed " + e);
              }
            });
    reader.setDaemon(true);
    reader.start();
    assertThat(response.join().headers().firstValue("Content-Type"))
        .contains("text/event-stream; charset=utf-8");
    await("the stream's first status names the resource in sync")
        .atMost(Duration.ofSeconds(30))
        .until(() -> String.join("\n", lines).contains("\"key\":\"" + cm + "\""));
    await("a heartbeat while nothing happens")
        .atMost(Duration.ofSeconds(10))
        .until(() -> lines.contains(": heartbeat"));

    int mark = lines.size();
    Instant t = Instant.now();
    try (var log = new LogWriter(bootstrap)) {
      log.write(
          t,
          rev,
          new DriftDetected(
              cm,
              "deploy",
              rev,
              "live",
              t,
              EventJson.mapper().readTree("[]"),
              "-a: 1\n+a: 2\n",
              List.of("/data/a")));
      log.write(
          t.plusMillis(1),
          rev,
          new ResourceInSync(cm, "deploy", rev, CanonicalJson.hash(manifest("conf", "1")), t));
    }
    await("the drift and its heal are each told, in order")
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              String after = String.join("\n", lines.subList(mark, lines.size()));
              int drifted = after.indexOf("\"syncState\":\"Drifted\"");
              int healed = after.indexOf("\"syncState\":\"InSync\"", Math.max(0, drifted));
              return drifted >= 0 && healed > drifted;
            });
    String told = String.join("\n", lines.subList(mark, lines.size()));
    assertThat(told).contains("event: change").contains("\"resource\":\"" + cm + "\"");
    assertThat(told).as("no event data, only summaries").doesNotContain("\"patch\"");

    own.close();
    await("closing the server ends the stream")
        .atMost(Duration.ofSeconds(10))
        .until(() -> !reader.isAlive());
  }

  private JsonNode rowOf(JsonNode status, String key) {
    for (JsonNode r : status.get("resources")) {
      if (r.get("key").asText().equals(key)) {
        return r;
      }
    }
    return null;
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  private HttpResponse<String> get(String path, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode manifest(String name, String value) {
    ObjectNode m = EventJson.mapper().createObjectNode();
    m.put("apiVersion", "v1").put("kind", "ConfigMap");
    m.putObject("metadata").put("name", name).put("namespace", "shop");
    m.putObject("data").put("a", value);
    return m;
  }
}
