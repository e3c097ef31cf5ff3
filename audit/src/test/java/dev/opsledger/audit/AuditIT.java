package dev.opsledger.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsledger.events.ApplyAction;
import dev.opsledger.events.ApplyOutcome;
import dev.opsledger.events.ApplyStarted;
import dev.opsledger.events.ApplySucceeded;
import dev.opsledger.events.CanonicalJson;
import dev.opsledger.events.CommitObserved;
import dev.opsledger.events.DesiredStateChanged;
import dev.opsledger.events.DriftDetected;
import dev.opsledger.events.EventJson;
import dev.opsledger.events.ObservedStateChanged;
import dev.opsledger.events.OpsLedgerEvent;
import dev.opsledger.events.Person;
import dev.opsledger.events.PullRequestRef;
import dev.opsledger.events.ResourceInSync;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.events.ResourceMissing;
import dev.opsledger.events.Topic;
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
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Writes the log of two commits of one Deployment, as the services would, to a real broker, and
 * asks the audit about it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditIT {

  private final String target = "audit-" + UUID.randomUUID().toString().substring(0, 8);
  private final ResourceKey web = ResourceKey.of(target, "apps", "Deployment", "shop", "web");
  private final Instant t0 =
      Instant.now().minus(10, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.MILLIS);
  private final Instant t1 = t0.plus(5, ChronoUnit.MINUTES);
  private final String c1 = "1111111111111111111111111111111111111111".substring(0, 32) + target;
  private final String c2 = "2222222222222222222222222222222222222222".substring(0, 32) + target;
  private final Person alice = new Person("Alice", "alice@example.com");
  private final Person bob = new Person("Bob", "bob@example.com");
  private AuditService audit;

  @BeforeAll
  void writeTheLog() throws Exception {
    String bootstrap = SharedKafka.bootstrapServers();
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      new TopicBootstrapper(admin, (short) 1, Duration.ofSeconds(30)).ensureCatalogue();
    }
    PullRequestRef pr = new PullRequestRef("github", 7, "https://github.com/acme/deploy/pull/7");
    JsonNode v1 = manifest("web:1");
    JsonNode v2 = manifest("web:2");
    String live1 = CanonicalJson.hash(v1);
    try (var producer = new LogWriter(bootstrap)) {
      send(
          producer,
          t0,
          c1,
          new DesiredStateChanged(
              web, "deploy", c1, "apps/web.yaml", CanonicalJson.hash(v1), v1, alice, t0, pr));
      send(producer, t0.plusMillis(10), c1, commit(c1, alice, t0, "Add web (#7)", pr));
      send(
          producer,
          t0.plusMillis(500),
          c1,
          new ResourceMissing(web, "deploy", c1, t0.plusMillis(500)));
      send(
          producer,
          t0.plusMillis(700),
          c1,
          new ApplyStarted(web, "deploy", c1, ApplyAction.APPLY, false, 1, t0.plusMillis(700)));
      send(
          producer,
          t0.plusMillis(900),
          c1,
          new ApplySucceeded(
              web, "deploy", c1, ApplyOutcome.CREATED, false, 1, t0.plusMillis(900), 200));
      send(
          producer,
          t0.plusMillis(1000),
          "",
          new ObservedStateChanged(web, t0.plusMillis(1000), "10", live1, v1, true));
      send(
          producer,
          t0.plusMillis(1200),
          c1,
          new ResourceInSync(web, "deploy", c1, live1, t0.plusMillis(1200)));

      send(
          producer,
          t1,
          c2,
          new DesiredStateChanged(
              web, "deploy", c2, "apps/web.yaml", CanonicalJson.hash(v2), v2, bob, t1, null));
      send(producer, t1.plusMillis(10), c2, commit(c2, bob, t1, "Bump web to 2", null));
      send(
          producer,
          t1.plusMillis(400),
          c2,
          new DriftDetected(
              web,
              "deploy",
              c2,
              live1,
              t1.plusMillis(400),
              EventJson.mapper()
                  .readTree(
                      "[{\"op\":\"replace\",\"path\":\"/spec/template/spec/containers/0/image\",\"value\":\"web:2\"}]"),
              "-image: web:1\n+image: web:2\n",
              List.of("/spec/template/spec/containers/0/image")));
      send(
          producer,
          t1.plusMillis(800),
          c2,
          new ApplySucceeded(
              web, "deploy", c2, ApplyOutcome.PATCHED, false, 1, t1.plusMillis(800), 150));
      send(
          producer,
          t1.plusMillis(1500),
          c2,
          new ResourceInSync(web, "deploy", c2, CanonicalJson.hash(v2), t1.plusMillis(1500)));
      // A record no one can read, about the same resource: the audit must report it, not die.
      producer.writeRaw(Topic.DIFFS.topicName(), web.toString(), "{garbage".getBytes());
    }
    audit = new AuditService(bootstrap);
  }

  @Test
  void historyOfAResourceNamesEachRevisionsAuthorAndPullRequest() {
    var history = audit.history(web, null, null);

    assertThat(history.entries())
        .extracting(Answers.HistoryEntry::type)
        .containsExactly(
            "dev.opsledger.desired.changed",
            "dev.opsledger.diff.missing",
            "dev.opsledger.apply.started",
            "dev.opsledger.apply.succeeded",
            "dev.opsledger.observed.changed",
            "dev.opsledger.diff.insync",
            "dev.opsledger.desired.changed",
            "dev.opsledger.diff.detected",
            "dev.opsledger.apply.succeeded",
            "dev.opsledger.diff.insync");
    var first = history.entries().get(0);
    assertThat(first.author()).isEqualTo(alice);
    assertThat(first.pullRequest().number()).isEqualTo(7);
    assertThat(history.entries().get(6).author()).isEqualTo(bob);
    assertThat(history.unreadable()).hasSize(1).first().asString().contains("MISSING_HEADER");
  }

  @Test
  void stateAtATimeBetweenTwoCommitsIsTheFirstCommitsState() {
    var state = audit.stateAt(t1.minusSeconds(60));

    var webState =
        state.resources().stream().filter(r -> r.resource().equals(web)).findFirst().orElseThrow();
    assertThat(webState.declaredRevision()).isEqualTo(c1);
    assertThat(webState.author()).isEqualTo(alice);
    assertThat(webState.syncState()).isEqualTo("InSync");
    assertThat(webState.observed()).isEqualTo("present");
    assertThat(webState.lastApply()).isEqualTo("CREATED");

    var later =
        audit.stateAt(t1.plusSeconds(60)).resources().stream()
            .filter(r -> r.resource().equals(web))
            .findFirst()
            .orElseThrow();
    assertThat(later.declaredRevision()).isEqualTo(c2);
    assertThat(later.lastApply()).isEqualTo("PATCHED");
  }

  @Test
  void timelineOfACommitGivesItsLatencies() {
    var timeline = audit.timeline(c1.substring(0, 10));

    assertThat(timeline.author()).isEqualTo(alice);
    assertThat(timeline.pullRequest().number()).isEqualTo(7);
    assertThat(timeline.steps())
        .extracting(Answers.TimelineStep::type)
        .contains(
            "dev.opsledger.commit.observed",
            "dev.opsledger.diff.missing",
            "dev.opsledger.diff.insync");
    // Counted from the commit's first event: its desired state, published 10 ms before the
    // CommitObserved that marks the commit recorded.
    assertThat(timeline.firstDesiredMillis()).isZero();
    assertThat(timeline.firstDiffMillis()).isEqualTo(500);
    assertThat(timeline.firstApplyMillis()).isEqualTo(900);
    assertThat(timeline.allInSyncMillis()).isEqualTo(1200);
  }

  @Test
  void whoChangedWhatListsBothCommitsWithTheirResources() {
    var changes =
        audit.who(t0.minusSeconds(1), t1.plusSeconds(1)).stream()
            .filter(c -> c.revision() != null && c.revision().endsWith(target))
            .toList();

    assertThat(changes).extracting(Answers.Change::who).containsExactly(alice, bob);
    assertThat(changes.get(0).pullRequest().number()).isEqualTo(7);
    assertThat(changes.get(0).resources()).containsExactly(web.toString());
    assertThat(
            audit.who(t1.minusSeconds(1), t1.plusSeconds(1)).stream()
                .filter(c -> c.revision() != null && c.revision().endsWith(target)))
        .extracting(Answers.Change::who)
        .containsExactly(bob);
  }

  @Test
  void httpApiServesTheSameAnswersBehindABearerToken() throws Exception {
    try (var server = new AuditHttpServer(audit, new InetSocketAddress("127.0.0.1", 0), "s3cret")) {
      HttpClient http = HttpClient.newHttpClient();
      URI uri =
          URI.create(
              "http://127.0.0.1:" + server.port() + "/api/v1/state?at=" + t1.minusSeconds(60));

      var noToken =
          http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
      var wrong =
          http.send(
              HttpRequest.newBuilder(uri).header("Authorization", "Bearer nope").build(),
              HttpResponse.BodyHandlers.ofString());
      var ok =
          http.send(
              HttpRequest.newBuilder(uri).header("Authorization", "Bearer s3cret").build(),
              HttpResponse.BodyHandlers.ofString());
      var post =
          http.send(
              HttpRequest.newBuilder(uri)
                  .header("Authorization", "Bearer s3cret")
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      var badTime =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(
                          "http://127.0.0.1:" + server.port() + "/api/v1/state?at=yesterday"))
                  .header("Authorization", "Bearer s3cret")
                  .build(),
              HttpResponse.BodyHandlers.ofString());

      assertThat(noToken.statusCode()).isEqualTo(401);
      assertThat(wrong.statusCode()).isEqualTo(401);
      assertThat(post.statusCode()).isEqualTo(405);
      assertThat(badTime.statusCode()).isEqualTo(400);
      assertThat(badTime.body()).contains("RFC 3339");
      assertThat(ok.statusCode()).isEqualTo(200);
      JsonNode body = EventJson.mapper().readTree(ok.body());
      JsonNode webState = null;
      for (JsonNode r : body.get("resources")) {
        if (r.path("resource").path("target").asText().equals(target)) {
          webState = r;
        }
      }
      assertThat(webState).isNotNull();
      assertThat(webState.get("declaredRevision").asText()).isEqualTo(c1);
    }
  }

  private static CommitObserved commit(
      String sha, Person who, Instant at, String message, PullRequestRef pr) {
    return new CommitObserved(
        "deploy",
        "https://github.com/acme/deploy.git",
        "main",
        sha,
        List.of(),
        who,
        who,
        at,
        at,
        message,
        List.of("apps/web.yaml"),
        pr,
        false,
        null);
  }

  private static JsonNode manifest(String image) {
    ObjectNode m = EventJson.mapper().createObjectNode();
    m.put("apiVersion", "apps/v1").put("kind", "Deployment");
    m.putObject("metadata").put("name", "web").put("namespace", "shop");
    m.putObject("spec")
        .putObject("template")
        .putObject("spec")
        .putArray("containers")
        .addObject()
        .put("name", "web")
        .put("image", image);
    return m;
  }

  private static void send(
      LogWriter producer, Instant time, String correlation, OpsLedgerEvent data) {
    producer.write(time, correlation, data);
  }
}
