package dev.opsledger.applier.engine;

import static dev.opsledger.testkit.TestAwait.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opsledger.applier.stream.LogRollbackPlans;
import dev.opsledger.applier.web.ApproverTokens;
import dev.opsledger.applier.web.HostCheck;
import dev.opsledger.applier.web.ManagementServer;
import dev.opsledger.events.CommitObserved;
import dev.opsledger.events.DesiredStateChanged;
import dev.opsledger.events.EventCodec;
import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.EventJson;
import dev.opsledger.events.Person;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.events.RollbackRequested;
import dev.opsledger.events.SkipPolicy;
import dev.opsledger.events.Topic;
import dev.opsledger.kafka.KafkaConnection;
import dev.opsledger.service.EventPublisher;
import dev.opsledger.testkit.LogTail;
import dev.opsledger.testkit.LogWriter;
import dev.opsledger.testkit.SharedKafka;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A rollback through the management port on a real broker: the revisions and manifests are read
 * from {@code opsledger.commits} and {@code opsledger.desired}, the {@code RollbackRequested} is
 * written to {@code opsledger.approvals} with the token's identity, and the engine that reads it
 * applies the earlier manifest and holds back Git's head until Git moves.
 */
class RollbackIT {

  static final String BOB_TOKEN = "bob-token-0123456789abcdef";
  static final Person BOB = new Person("Bob", "bob@example.org");

  final String source = "rb-" + UUID.randomUUID().toString().substring(0, 8);
  final String good = sha('a');
  final String bad = sha('b');
  final ResourceKey web = ApplyEngineTest.configMap("web-" + source);
  final HttpClient http = HttpClient.newHttpClient();
  final ApplyEngineTest engine = new ApplyEngineTest();
  EventPublisher publisher;
  ManagementServer server;

  @BeforeEach
  void start() throws Exception {
    String bootstrap = SharedKafka.bootstrapServers();
    publisher = new EventPublisher(bootstrap, new EventCodec(), new SimpleMeterRegistry());
    server =
        new ManagementServer(
            new InetSocketAddress("127.0.0.1", 0),
            publisher,
            "/opsledger/applier",
            Duration.ofSeconds(30),
            new ApproverTokens(Map.of("Bob <bob@example.org>", BOB_TOKEN)),
            new HostCheck(List.of()),
            4096,
            new LogRollbackPlans(
                KafkaConnection.of(bootstrap), new EventCodec(), Duration.ofSeconds(60)));
    Instant t0 = Instant.now().minusSeconds(600);
    try (LogWriter log = new LogWriter(bootstrap)) {
      log.write(t0, good, commit(good, 1, t0));
      log.write(t0.plusSeconds(1), good, declared(good, 1, t0));
      log.write(t0.plusSeconds(60), bad, commit(bad, 2, t0.plusSeconds(60)));
      log.write(t0.plusSeconds(61), bad, declared(bad, 2, t0.plusSeconds(60)));
    }
  }

  @AfterEach
  void stop() {
    server.close();
    publisher.close();
    engine.stopRetries();
  }

  @Test
  void aRollbackToAShaPrefixIsWrittenWithWhoAskedAndTheApplierAppliesTheEarlierManifest()
      throws Exception {
    try (LogTail approvals =
        LogTail.fromEnd(
            SharedKafka.bootstrapServers(),
            LogTail.keyStartsWith(web.toString()),
            Topic.APPROVALS)) {
      var response =
          post(BOB_TOKEN, body("sourceId", source, "revision", good.substring(0, 8), "bad tag"));

      assertThat(response.statusCode()).isEqualTo(202);
      JsonNode answer = EventJson.mapper().readTree(response.body());
      assertThat(answer.path("requestedBy").asText()).isEqualTo("Bob <bob@example.org>");
      assertThat(answer.path("targetRevision").asText()).isEqualTo(good);
      assertThat(answer.path("rolledBack").get(0).asText()).isEqualTo(web.toString());

      await("the RollbackRequested is on opsledger.approvals")
          .until(() -> !approvals.data(RollbackRequested.class).isEmpty());
      EventEnvelope<RollbackRequested> written = onlyRollback(approvals);
      RollbackRequested r = written.data();
      assertThat(r.requestedBy()).isEqualTo(BOB);
      assertThat(r.targetRevision()).isEqualTo(good);
      assertThat(r.pausedRevision()).isEqualTo(bad);
      assertThat(r.pausedSequence()).isEqualTo(2L);
      assertThat(r.reason()).isEqualTo("bad tag");
      assertThat(r.manifest().path("data").path("revision").asText()).isEqualTo(good);

      engineAt(bad);
      engine.engine.onRollback(written);
      assertThat(engine.cluster.live).containsEntry(web, good);
      var drift = engine.drift(web, source, bad);
      assertThat(engine.skipped(drift).skipPolicy()).contains(SkipPolicy.ROLLBACK_PAUSED);
      assertThat(engine.cluster.live).containsEntry(web, good);
    }
  }

  @Test
  void aRollbackAtATimeTakesTheRevisionThatWasGitsHeadThen() throws Exception {
    var response =
        post(
            BOB_TOKEN,
            body("resource", web.toString(), "at", Instant.now().minusSeconds(570).toString(), ""));

    assertThat(response.statusCode()).isEqualTo(202);
    assertThat(EventJson.mapper().readTree(response.body()).path("targetRevision").asText())
        .isEqualTo(good);
  }

  @Test
  void aRollbackToAnUnknownShaIsRefusedWithTheReasonAndWritesNothing() throws Exception {
    var response = post(BOB_TOKEN, body("sourceId", source, "revision", "deadbeef", ""));

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.body())
        .contains("no revision of source " + source + " starts with deadbeef");
  }

  @Test
  void aRollbackWithoutATokenIsRefusedBeforeTheLogIsRead() throws Exception {
    var response = post(null, body("sourceId", source, "revision", good, ""));

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).contains("a valid bearer token is required");
  }

  @Test
  void aForgedRequestedByIsRefused() throws Exception {
    String forged =
        EventJson.mapper()
            .createObjectNode()
            .put("sourceId", source)
            .put("revision", good)
            .put("requestedBy", "Ada <ada@example.org>")
            .toString();

    var response = post(BOB_TOKEN, forged);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("requestedBy is not accepted");
  }

  /** The engine has applied {@code revision}, Git's head of the source. */
  private void engineAt(String revision) {
    engine.engine.onDesired(declared(good, 1, Instant.now()));
    engine.engine.onDesired(declared(revision, 2, Instant.now()));
    engine.succeeded(engine.drift(web, source, revision));
  }

  private EventEnvelope<RollbackRequested> onlyRollback(LogTail tail) {
    var found = tail.matching(RollbackRequested.class::isInstance);
    assertThat(found).hasSize(1);
    @SuppressWarnings("unchecked")
    EventEnvelope<RollbackRequested> e =
        (EventEnvelope<RollbackRequested>) (EventEnvelope<?>) found.get(0);
    return e;
  }

  private CommitObserved commit(String sha, long sequence, Instant at) {
    return CommitObserved.recorded(
        source,
        null,
        "main",
        sha,
        List.of(),
        ApplyEngineTest.ADA,
        ApplyEngineTest.ADA,
        at,
        at,
        "tag " + sequence,
        List.of("web.yaml"),
        null,
        false,
        null,
        sequence);
  }

  private DesiredStateChanged declared(String revision, long sequence, Instant at) {
    return new DesiredStateChanged(
        web,
        source,
        revision,
        "web.yaml",
        "sha256:" + revision,
        ApplyEngineTest.manifest(web, revision),
        ApplyEngineTest.ADA,
        at,
        null,
        sequence);
  }

  private static String body(String scope, String name, String to, String value, String reason) {
    var json = EventJson.mapper().createObjectNode().put(scope, name).put(to, value);
    if (!reason.isEmpty()) {
      json.put("reason", reason);
    }
    return json.toString();
  }

  private HttpResponse<String> post(String token, String body) throws Exception {
    var request =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + ManagementServer.ROLLBACKS))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String sha(char c) {
    return String.valueOf(c).repeat(8) + UUID.randomUUID().toString().replace("-", "");
  }
}
