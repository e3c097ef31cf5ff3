package dev.opsledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsledger.applier.web.ApproverTokens;
import dev.opsledger.applier.web.HostCheck;
import dev.opsledger.applier.web.ManagementServer;
import dev.opsledger.audit.LogReader;
import dev.opsledger.events.ApplyOutcome;
import dev.opsledger.events.ApplySkipped;
import dev.opsledger.events.ApplySucceeded;
import dev.opsledger.events.CanonicalJson;
import dev.opsledger.events.CommitObserved;
import dev.opsledger.events.DesiredStateChanged;
import dev.opsledger.events.DriftDetected;
import dev.opsledger.events.EventCodec;
import dev.opsledger.events.EventJson;
import dev.opsledger.events.HealthStatus;
import dev.opsledger.events.ObservationFailed;
import dev.opsledger.events.ObservedStateChanged;
import dev.opsledger.events.Person;
import dev.opsledger.events.ResourceHealthChanged;
import dev.opsledger.events.ResourceInSync;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.events.SyncApproved;
import dev.opsledger.events.Topic;
import dev.opsledger.service.EventPublisher;
import dev.opsledger.testkit.LogWriter;
import dev.opsledger.testkit.SharedKafka;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The {@code opsledger} commands against a real broker holding a small, known log. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliIT {

  private final String target = "cli-" + UUID.randomUUID().toString().substring(0, 8);
  private final String ns = "ns-" + target;
  private final ResourceKey web = ResourceKey.of(target, "apps", "Deployment", ns, "web");
  private final ResourceKey cfg = ResourceKey.of(target, "", "ConfigMap", ns, "cfg");
  private final ResourceKey gated = ResourceKey.of(target, "", "ConfigMap", ns, "gated");
  private final String sha =
      "c0ffee" + UUID.randomUUID().toString().replace("-", "").substring(0, 32) + "ab";
  // Now, not in the past: the shared broker's partitions hold other tests' records stamped with
  // the time they were written, and a time range is found through Kafka's time index, which
  // assumes timestamps grow along a partition. Records backdated behind them were missed by
  // "replay --from --to" whenever their partition had been written to in the last minutes.
  private final Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS);
  private final Person alice = new Person("Alice", "alice@example.com");
  private String bootstrap;

  @TempDir Path emptyDataDir;

  @BeforeAll
  void writeTheLog() throws Exception {
    bootstrap = SharedKafka.bootstrapServers();
    try (LogWriter log = new LogWriter(bootstrap)) {
      for (ResourceKey k : List.of(web, cfg, gated)) {
        ObjectNode m = EventJson.mapper().createObjectNode();
        m.put("kind", k.kind()).putObject("metadata").put("name", k.name());
        log.write(
            t0,
            sha,
            new DesiredStateChanged(
                k, "deploy", sha, "apps.yaml", CanonicalJson.hash(m), m, alice, t0, null));
      }
      log.write(
          t0.plusMillis(5),
          sha,
          new CommitObserved(
              "deploy",
              "file:///repo",
              "main",
              sha,
              List.of(),
              alice,
              alice,
              t0,
              t0,
              "Ship it",
              List.of("apps.yaml"),
              null,
              false,
              null));
      log.write(
          t0.plusMillis(100),
          sha,
          new ApplySucceeded(
              cfg, "deploy", sha, ApplyOutcome.CREATED, false, 1, t0.plusMillis(100), 20));
      log.write(
          t0.plusMillis(200),
          sha,
          new ResourceInSync(cfg, "deploy", sha, "sha256:" + "a".repeat(64), t0.plusMillis(200)));
      log.write(
          t0.plusMillis(300),
          sha,
          new DriftDetected(
              web,
              "deploy",
              sha,
              "sha256:" + "b".repeat(64),
              t0.plusMillis(300),
              EventJson.mapper()
                  .readTree("[{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":3}]"),
              "--- live\n+++ desired\n-replicas: 1\n+replicas: 3\n",
              List.of("/spec/replicas")));
      log.write(
          t0.plusMillis(305),
          "",
          new ResourceHealthChanged(
              web,
              t0.plusMillis(305),
              HealthStatus.DEGRADED,
              HealthStatus.PROGRESSING,
              "DeploymentRollout",
              "ReplicaSet \"web-1\" has timed out progressing.",
              "12"));
      // A kind the collector could not list until its CRD existed, then watched; and one it still
      // cannot list. Neither is a resource.
      ResourceKey widgets =
          ResourceKey.of(target, "example.com", "Widget", "", ResourceKey.ANY_NAME);
      ResourceKey gadgets =
          ResourceKey.of(target, "example.com", "Gadget", "", ResourceKey.ANY_NAME);
      log.write(
          t0.plusMillis(310),
          "",
          new ObservationFailed(
              widgets, t0.plusMillis(310), "UnknownKind", "no such kind yet", 404, true));
      log.write(
          t0.plusMillis(320),
          "",
          new ObservationFailed(
              gadgets, t0.plusMillis(320), "Forbidden", "gadgets is forbidden", 403, true));
      log.write(
          t0.plusMillis(330),
          "",
          new ObservedStateChanged(
              ResourceKey.of(target, "example.com", "Widget", ns, "w1"),
              t0.plusMillis(330),
              "7",
              "sha256:" + "c".repeat(64),
              EventJson.mapper().createObjectNode().put("kind", "Widget"),
              false));
      log.write(
          t0.plusMillis(400),
          sha,
          new ApplySkipped(
              gated,
              "deploy",
              sha,
              "manual-approval",
              "waits for opsledger sync",
              t0.plusMillis(400)));
    }
  }

  @Test
  void statusListsEveryResourceWithSyncStateHealthRevisionAndLastApply() throws Exception {
    var run = run("status", "--bootstrap-servers", bootstrap);
    assertThat(run.code).isZero();
    assertThat(run.out)
        .containsPattern(
            ns
                + "/ConfigMap/cfg\\s+"
                + target
                + "\\s+InSync\\s+Unknown\\s+"
                + sha.substring(0, 12)
                + "\\s+unknown\\s+CREATED");
    assertThat(run.out)
        .containsPattern(ns + "/Deployment/web\\s+" + target + "\\s+Drifted\\s+Degraded");
    assertThat(run.out).doesNotContain("Widget/*").doesNotContain("Gadget/*");
    assertThat(run.out)
        .contains("warning: cannot observe example.com/Gadget in " + target + ": Forbidden")
        .doesNotContain("cannot observe example.com/Widget in " + target);

    var json = run("status", "--bootstrap-servers", bootstrap, "-o", "json");
    JsonNode rows = EventJson.mapper().readTree(json.out);
    List<String> mine = new ArrayList<>();
    rows.forEach(
        r -> {
          if (r.path("resource").path("target").asText().equals(target))
            mine.add(r.path("resource").path("name").asText());
        });
    assertThat(mine).containsExactlyInAnyOrder("web", "cfg", "gated", "w1");
  }

  @Test
  void diffShowsDriftAndExitsOneAndExitsZeroForAResourceInSync() {
    var drift = run("diff", ns + "/Deployment/web", "--bootstrap-servers", bootstrap);
    assertThat(drift.code).isEqualTo(ExitCodes.DRIFT);
    assertThat(drift.out).contains("+replicas: 3");

    var clean = run("diff", ns + "/ConfigMap/cfg", "--bootstrap-servers", bootstrap);
    assertThat(clean.code).isZero();
    assertThat(clean.out).contains("No drift");

    var unknown = run("diff", ns + "/ConfigMap/nope", "--bootstrap-servers", bootstrap);
    assertThat(unknown.code).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(unknown.err).contains("no resource");
  }

  @Test
  void syncWritesAnApprovalForTheRevisionThatWaits() {
    var run =
        run(
            "sync",
            ns + "/ConfigMap/gated",
            "--bootstrap-servers",
            bootstrap,
            "--as",
            "oncall",
            "--reason",
            "change window");
    assertThat(run.code).isZero();
    try (LogReader reader = new LogReader(bootstrap)) {
      var approvals =
          reader.read(EnumSet.of(Topic.APPROVALS), null, null).stream()
              .filter(
                  e ->
                      e.readable()
                          && e.data() instanceof SyncApproved a
                          && gated.equals(a.resource()))
              .map(e -> (SyncApproved) e.data())
              .toList();
      assertThat(approvals).hasSize(1);
      assertThat(approvals.get(0).revision()).isEqualTo(sha);
      assertThat(approvals.get(0).approvedBy().name()).isEqualTo("oncall");
      assertThat(approvals.get(0).reason()).isEqualTo("change window");
    }
  }

  @Test
  void syncRefusesAResourceWithoutADesiredRevisionAndWritesNothing() {
    ResourceKey observedOnly = ResourceKey.of(target, "example.com", "Widget", ns, "w1");

    var run = run("sync", ns + "/Widget/w1", "--bootstrap-servers", bootstrap);

    assertThat(run.code).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(run.err).contains("has no desired revision", "nothing to approve");
    assertThat(approvalsOf(observedOnly)).isEmpty();
  }

  @Test
  void syncApprovesThroughTheApprovalsApiWithTheDataDirsTokenAsItsIdentity() throws Exception {
    String token = "cli-it-token-" + UUID.randomUUID();
    try (var publisher =
            new EventPublisher(bootstrap, new EventCodec(), new SimpleMeterRegistry());
        var applier =
            new ManagementServer(
                new InetSocketAddress("127.0.0.1", 0),
                publisher,
                "/opsledger/applier",
                Duration.ofSeconds(30),
                new ApproverTokens(Map.of("oncall <oncall@example.com>", token)),
                new HostCheck(List.of()),
                4096)) {
      Path data = Files.createDirectories(emptyDataDir.resolve("with-token"));
      new Instance(
              bootstrap,
              null,
              null,
              "http://127.0.0.1:" + applier.port() + ManagementServer.APPROVALS,
              ProcessHandle.current().pid(),
              Instant.now())
          .write(data);
      Files.writeString(data.resolve(ApiToken.FILE), token + "\n");

      var forged = run("sync", ns + "/ConfigMap/cfg", "--data-dir", data.toString(), "--as", "eve");
      var run = run("sync", ns + "/ConfigMap/cfg", "--data-dir", data.toString(), "--reason", "ok");

      assertThat(forged.code).isEqualTo(ExitCodes.USAGE);
      assertThat(forged.err).contains("the approver is the token's identity");
      assertThat(run.code).as(run.err).isZero();
      assertThat(run.out).contains("as oncall <oncall@example.com>");
      assertThat(approvalsOf(cfg))
          .singleElement()
          .satisfies(
              a -> {
                assertThat(a.revision()).isEqualTo(sha);
                assertThat(a.approvedBy().email()).isEqualTo("oncall@example.com");
                assertThat(a.reason()).isEqualTo("ok");
              });
    } finally {
      Instance.remove(emptyDataDir.resolve("with-token"));
    }
  }

  private List<SyncApproved> approvalsOf(ResourceKey key) {
    try (LogReader reader = new LogReader(bootstrap)) {
      return reader.read(EnumSet.of(Topic.APPROVALS), null, null).stream()
          .filter(
              e -> e.readable() && e.data() instanceof SyncApproved a && key.equals(a.resource()))
          .map(e -> (SyncApproved) e.data())
          .toList();
    }
  }

  @Test
  void auditCommandsAnswerFromTheLog() {
    var history = run("audit", "history", ns + "/ConfigMap/cfg", "--bootstrap-servers", bootstrap);
    assertThat(history.code).isZero();
    assertThat(history.out).contains("desired.changed", "Alice", "apply.succeeded", "diff.insync");

    var stateBefore =
        run("audit", "state-at", t0.minusSeconds(60).toString(), "--bootstrap-servers", bootstrap);
    assertThat(stateBefore.out).doesNotContain(target);

    var timeline = run("audit", "timeline", sha, "--bootstrap-servers", bootstrap);
    assertThat(timeline.code).isZero();
    assertThat(timeline.out).contains("Commit " + sha + " by Alice", "diff.detected");

    var unknownCommit = run("audit", "timeline", "0000000", "--bootstrap-servers", bootstrap);
    assertThat(unknownCommit.code).isEqualTo(ExitCodes.UNAVAILABLE);

    var who = run("audit", "who", "--since", "10m", "--bootstrap-servers", bootstrap);
    assertThat(who.out).contains("Alice <alice@example.com>", "Ship it", "3 resource(s)");
  }

  @Test
  void replayPrintsTheEventsWithTheirHeaders() throws Exception {
    var run =
        run(
            "replay",
            "--topic",
            "diffs",
            "--from",
            t0.minusSeconds(1).toString(),
            "--to",
            t0.plusSeconds(1).toString(),
            "--bootstrap-servers",
            bootstrap,
            "-o",
            "json");
    assertThat(run.code).isZero();
    JsonNode events = EventJson.mapper().readTree(run.out);
    List<JsonNode> mine = new ArrayList<>();
    events.forEach(
        e -> {
          if (e.path("key").asText().startsWith(target + "/")) mine.add(e);
        });
    assertThat(mine).hasSize(2);
    assertThat(mine.get(0).path("headers").path("ce_type").asText())
        .isEqualTo("dev.opsledger.diff.insync");
    assertThat(mine.get(0).path("headers").path("ce_correlation").asText()).isEqualTo(sha);
    assertThat(mine.get(1).path("body").path("changedPaths").get(0).asText())
        .isEqualTo("/spec/replicas");
  }

  @Test
  void reportsClearErrorsWithNonZeroExitCodes() {
    var noInstance = run("status", "--data-dir", emptyDataDir.toString());
    assertThat(noInstance.code).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(noInstance.err).contains("no running OpsLedger found", "--bootstrap-servers");

    var badTime = run("audit", "state-at", "yesterday", "--bootstrap-servers", bootstrap);
    assertThat(badTime.code).isEqualTo(ExitCodes.USAGE);
    assertThat(badTime.err).contains("is not a time");

    var badTopic = run("replay", "--topic", "nope", "--bootstrap-servers", bootstrap);
    assertThat(badTopic.code).isEqualTo(ExitCodes.USAGE);

    var missingArg = run("sync");
    assertThat(missingArg.code).isEqualTo(ExitCodes.USAGE);
  }

  private record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cl = OpsLedgerCli.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }
}
