package dev.opsledger.cli;

import static dev.opsledger.testkit.TestAwait.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.opsledger.audit.AuditService;
import dev.opsledger.audit.LogReader;
import dev.opsledger.audit.LoggedEvent;
import dev.opsledger.events.ApplyOutcome;
import dev.opsledger.events.ApplySucceeded;
import dev.opsledger.events.CommitObserved;
import dev.opsledger.events.CommitRejected;
import dev.opsledger.events.NotificationSent;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.events.SyncApproved;
import dev.opsledger.events.Topic;
import dev.opsledger.testkit.CanaryScan;
import dev.opsledger.testkit.GitFixture;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline in one process, as {@code opsledger up} runs it: a real Git repository, the
 * embedded broker on disk, a Kubernetes API server, every service, and a Slack receiver on
 * loopback. The scenarios build on each other, in order, on one data directory. They run against
 * the emulator {@code up} embeds ({@link PipelineE2E}) and a real kube-apiserver ({@link
 * PipelineRealE2E}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class PipelineScenarios {

  private static final String TARGET = "e2e";
  private static final ResourceKey WEB =
      ResourceKey.of(TARGET, "apps", "Deployment", "shop", "web");
  private static final ResourceKey CONFIG =
      ResourceKey.of(TARGET, "", "ConfigMap", "shop", "web-config");

  // Static: one directory for the whole ordered class (an instance field would be per test).
  @TempDir static Path dir;

  /** The cluster's kubeconfig, or {@code null} for the emulator {@code up} starts. */
  protected abstract Path kubeconfig();

  /** A client for the cluster the pipeline applies to. */
  protected abstract KubernetesClient client();

  /**
   * Does the garbage collector's part for the pruned ConfigMap on a server where none runs (prunes
   * use Foreground propagation, which leaves a finalizer for it). Nothing to do by default.
   */
  protected void collectGarbage() {}

  private GitFixture git;
  private HttpServer slack;
  private final List<String> slackMessages = new CopyOnWriteArrayList<>();
  protected Launcher.Running running;
  private Instant firstCommitRecorded;
  private String firstCommit;

  @BeforeAll
  void start() throws IOException {
    slack = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    slack.createContext(
        "/hooks/e2e",
        ex -> {
          slackMessages.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          ex.sendResponseHeaders(200, 2);
          ex.getResponseBody().write("ok".getBytes(StandardCharsets.UTF_8));
          ex.close();
        });
    slack.start();
    git = GitFixture.create(dir.resolve("git"));
    running = launch();
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
  @Order(1)
  void aCommitOfManifestsConvergesToInSync() {
    firstCommit =
        git.commit("Add the shop (#1)")
            .author("Ada", "ada@example.com")
            .write("apps/namespace.yaml", namespace())
            .write("apps/config.yaml", configMap("hello"))
            .write("apps/web.yaml", deployment("nginx:1.27", 2))
            .write("apps/secret.yaml", secret())
            .push();

    await("the deployment and config map are created in the cluster")
        .until(() -> deployment() != null && configMapExists());
    awaitInSync(WEB, CONFIG);
    firstCommitRecorded = Instant.now();
  }

  @Test
  @Order(2)
  void aLiveEditIsDetectedReportedToSlackAndHealed() {
    client()
        .apps()
        .deployments()
        .inNamespace("shop")
        .withName("web")
        .edit(
            d -> {
              d.getSpec().setReplicas(5);
              return d;
            });

    await("Slack hears of the drift of web")
        .until(
            () ->
                slackMessages.stream()
                    .anyMatch(m -> m.contains("web") && m.toLowerCase().contains("drift")));
    await("the live edit is reverted").until(() -> deployment().getSpec().getReplicas() == 2);
    awaitInSync(WEB);
  }

  @Test
  @Order(3)
  void aResourceDeletedFromGitIsPruned() {
    git.commit("Drop the config")
        .delete("apps/config.yaml")
        .write("apps/web.yaml", deployment("nginx:1.27", 2))
        .push();

    await("the config map is deleted from the cluster")
        .until(
            () -> {
              collectGarbage();
              return !configMapExists();
            });
  }

  @Test
  @Order(4)
  void gitRevertRollsBack() {
    String bump = git.commit("Bump web").write("apps/web.yaml", deployment("nginx:1.28", 2)).push();
    await("the new image runs").until(() -> image().equals("nginx:1.28"));

    git.revertAndPush(bump, "Rita", "rita@example.com");

    await("the revert rolls the image back").until(() -> image().equals("nginx:1.27"));
    awaitInSync(WEB);
  }

  @Test
  @Order(5)
  void anInvalidCommitIsRejectedTheLastGoodStateStaysAndSlackIsTold() {
    String bad =
        git.commit("Broken").write("apps/web.yaml", "kind: Deployment\nmetadata: [oops\n").push();

    await("the commit is rejected on the log")
        .until(
            () ->
                events(Topic.COMMITS).stream()
                    .anyMatch(e -> e.data() instanceof CommitRejected r && r.sha().equals(bad)));
    await("Slack hears of the rejection")
        .until(
            () ->
                slackMessages.stream()
                    .anyMatch(
                        m ->
                            m.contains(bad.substring(0, 7))
                                || m.toLowerCase().contains("rejected")));
    assertThat(image()).isEqualTo("nginx:1.27");
    assertThat(deployment().getSpec().getReplicas()).isEqualTo(2);

    git.commit("Fix").write("apps/web.yaml", deployment("nginx:1.27", 2)).push();
  }

  @Test
  @Order(6)
  void auditStateAtATimeBetweenTwoCommitsReturnsTheFirstCommitsState() {
    var state = new AuditService(running.bootstrapServers()).stateAt(firstCommitRecorded);
    var web =
        state.resources().stream().filter(r -> r.resource().equals(WEB)).findFirst().orElseThrow();
    assertThat(web.declaredRevision()).isEqualTo(firstCommit);
    assertThat(web.syncState()).isEqualTo("InSync");
  }

  @Test
  @Order(7)
  void allServicesStoppedAndRestartedMidSyncConvergeWithNoDuplicateApplyOrNotification()
      throws IOException {
    git.commit("Scale web").write("apps/web.yaml", deployment("nginx:1.27", 3)).push();
    await("the commit is seen")
        .until(
            () ->
                events(Topic.COMMITS).stream()
                    .anyMatch(
                        e ->
                            e.data() instanceof CommitObserved c
                                && c.message().startsWith("Scale web")));
    running.close();
    running = launch();

    await("the scale reaches the cluster after the restart")
        .until(() -> deployment().getSpec().getReplicas() == 3);
    awaitInSync(WEB);

    Map<String, Long> changingApplies =
        events(Topic.APPLIES).stream()
            .filter(
                e ->
                    e.data() instanceof ApplySucceeded s
                        && s.outcome() != ApplyOutcome.UNCHANGED
                        && !s.dryRun())
            .map(e -> (ApplySucceeded) e.data())
            .collect(
                Collectors.groupingBy(
                    s -> s.resource() + "@" + s.desiredRevision() + ":" + s.outcome(),
                    Collectors.counting()));
    assertThat(changingApplies)
        .allSatisfy((k, n) -> assertThat(n).as("applies of " + k).isEqualTo(1));
    Map<String, Long> sent =
        events(Topic.NOTIFICATIONS).stream()
            .filter(e -> e.data() instanceof NotificationSent)
            .map(e -> (NotificationSent) e.data())
            .collect(
                Collectors.groupingBy(
                    n -> n.triggerEventId() + "->" + n.channel(), Collectors.counting()));
    assertThat(sent)
        .isNotEmpty()
        .allSatisfy((k, n) -> assertThat(n).as("notifications of " + k).isEqualTo(1));
  }

  @Test
  @Order(8)
  void upStartedAgainOnTheSameDataDirKeepsTheHistory() {
    var history = new AuditService(running.bootstrapServers()).history(WEB, null, null);
    assertThat(history.entries()).anyMatch(e -> firstCommit.equals(e.revision()));
    assertThat(history.entries()).anyMatch(e -> e.type().equals("dev.opsledger.apply.succeeded"));
  }

  @Test
  @Order(9)
  void aBackdatedCommitAndAForcePushBackToAnOlderCommitBothReachTheCluster() {
    String imageBefore = image();
    String before = git.head();
    git.commit("Bump web, backdated by years")
        .at(Instant.parse("2020-01-01T00:00:00Z"))
        .write("apps/web.yaml", deployment("nginx:1.29", 2))
        .push();
    await("the backdated commit's image runs").until(() -> image().equals("nginx:1.29"));

    git.resetAndForcePush(before);

    await("the force-push rolls the image back").until(() -> image().equals(imageBefore));
    awaitInSync(WEB);
    assertThat(CurrentState.read(running.bootstrapServers()).resources())
        .filteredOn(r -> r.resource().equals(WEB))
        .extracting(r -> r.declaredRevision())
        .containsExactly(before);
  }

  @Test
  @Order(10)
  void
      aLabelAnEnvVarAndAPortRemovedFromGitAreRemovedLiveAndReplicasGitStopsDeclaringAreLeftToOthers() {
    git.commit("Label web, add a metrics port and a debug flag")
        .write("apps/web.yaml", labelledDeployment("nginx:1.27"))
        .push();
    await("the label, the port and the env var are live")
        .until(
            () ->
                "frontend".equals(label("tier"))
                    && containerPorts().contains(9090)
                    && envNames().contains("DEBUG"));
    awaitInSync(WEB);

    git.commit("Remove the label, the metrics port, the debug flag and replicas")
        .write("apps/web.yaml", deploymentWithoutReplicas("nginx:1.27"))
        .push();

    await("the label, the port and the env var are gone live")
        .until(
            () ->
                label("tier") == null
                    && !containerPorts().contains(9090)
                    && !envNames().contains("DEBUG"));
    assertThat(containerPorts()).containsExactly(80);
    awaitInSync(WEB);

    // Git no longer declares replicas: another manager (an HPA) owns them from now on.
    client()
        .apps()
        .deployments()
        .inNamespace("shop")
        .withName("web")
        .edit(
            d -> {
              d.getSpec().setReplicas(4);
              return d;
            });
    git.commit("Bump web").write("apps/web.yaml", deploymentWithoutReplicas("nginx:1.28")).push();
    await("the new image runs").until(() -> image().equals("nginx:1.28"));
    awaitInSync(WEB);
    assertThat(deployment().getSpec().getReplicas()).isEqualTo(4);
  }

  /**
   * {@code up}'s APIs take its token ({@code <data-dir>/api-token}, mode 0600): the audit API and
   * the approvals on the applier's management port refuse a request without it, and {@code
   * opsledger sync} approves through the approvals API as the local user, at the resource's current
   * desired revision.
   */
  @Test
  @Order(11)
  void upsApisRequireItsTokenAndSyncApprovesThroughTheApprovalsApiAsTheLocalUser()
      throws Exception {
    Path tokenFile = running.dataDir().resolve(ApiToken.FILE);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile)))
        .isEqualTo("rw-------");
    assertThat(Files.readString(tokenFile).strip()).isEqualTo(running.token());
    HttpClient http = HttpClient.newHttpClient();
    URI audit = URI.create(running.auditUrl() + "state?at=" + Instant.now());
    var auditWithout = http.send(HttpRequest.newBuilder(audit).build(), BodyHandlers.ofString());
    var auditWith =
        http.send(
            HttpRequest.newBuilder(audit)
                .header("Authorization", "Bearer " + running.token())
                .build(),
            BodyHandlers.ofString());
    var approvalWithout =
        http.send(
            HttpRequest.newBuilder(URI.create(running.approvalsUrl()))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"resource\":\"" + CONFIG + "\",\"revision\":\"x\"}"))
                .build(),
            BodyHandlers.ofString());
    assertThat(auditWithout.statusCode()).isEqualTo(401);
    assertThat(auditWith.statusCode()).isEqualTo(200);
    assertThat(approvalWithout.statusCode()).isEqualTo(401);

    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cli = OpsLedgerCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code =
        cli.execute(
            "sync", WEB.toString(), "--data-dir", running.dataDir().toString(), "--reason", "e2e");

    assertThat(code).as(err.toString()).isZero();
    String revision =
        CurrentState.read(running.bootstrapServers()).resources().stream()
            .filter(r -> r.resource().equals(WEB))
            .findFirst()
            .orElseThrow()
            .declaredRevision();
    assertThat(out.toString()).contains("as " + ApiToken.identity());
    await("the approval is on the log")
        .until(
            () ->
                events(Topic.APPROVALS).stream()
                    .map(LoggedEvent::data)
                    .anyMatch(
                        d ->
                            d instanceof SyncApproved a
                                && WEB.equals(a.resource())
                                && revision.equals(a.revision())
                                && a.approvedBy().name().equals(ApiToken.identity())));
  }

  @Test
  @Order(12)
  void theSecretsPlainValueIsNowhereOnTheLogNorInSlack() {
    await("the Secret reached the cluster with its plain value")
        .until(
            () -> {
              var s = client().secrets().inNamespace("shop").withName("web-secret").get();
              return s != null
                  && CANARY.equals(
                      new String(
                          java.util.Base64.getDecoder().decode(s.getData().get("password")),
                          StandardCharsets.UTF_8));
            });
    CanaryScan.of(List.of(CANARY))
        .topics(running.bootstrapServers())
        .texts("Slack payload", slackMessages)
        .assertClean();
  }

  private Launcher.Running launch() throws IOException {
    Map<String, Object> extra = new HashMap<>();
    extra.put("opsledger.notifier.dedupe-window", "1s");
    return Launcher.start(
        new Launcher.Settings(
            dir.resolve("data"),
            git.remoteUrl(),
            "main",
            "",
            kubeconfig(),
            null,
            TARGET,
            true,
            true,
            true,
            0,
            0,
            0,
            0,
            0,
            "1s",
            "http://127.0.0.1:" + slack.getAddress().getPort() + "/hooks/e2e",
            extra));
  }

  private void awaitInSync(ResourceKey... keys) {
    await("in sync: " + List.of(keys))
        .atMost(Duration.ofSeconds(90))
        .until(
            () -> {
              var state = CurrentState.read(running.bootstrapServers());
              for (ResourceKey k : keys) {
                if (state.resources().stream()
                    .noneMatch(r -> r.resource().equals(k) && "InSync".equals(r.syncState()))) {
                  return false;
                }
              }
              return true;
            });
  }

  private List<LoggedEvent> events(Topic topic) {
    try (LogReader reader = new LogReader(running.bootstrapServers())) {
      return new ArrayList<>(
          reader.read(EnumSet.of(topic), null, null).stream()
              .filter(LoggedEvent::readable)
              .toList());
    }
  }

  private Deployment deployment() {
    return client().apps().deployments().inNamespace("shop").withName("web").get();
  }

  private String image() {
    return deployment().getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
  }

  private String label(String name) {
    Map<String, String> labels = deployment().getMetadata().getLabels();
    return labels == null ? null : labels.get(name);
  }

  private List<Integer> containerPorts() {
    var ports = deployment().getSpec().getTemplate().getSpec().getContainers().get(0).getPorts();
    return ports == null ? List.of() : ports.stream().map(p -> p.getContainerPort()).toList();
  }

  private List<String> envNames() {
    var env = deployment().getSpec().getTemplate().getSpec().getContainers().get(0).getEnv();
    return env == null ? List.of() : env.stream().map(e -> e.getName()).toList();
  }

  private boolean configMapExists() {
    ConfigMap cm = client().configMaps().inNamespace("shop").withName("web-config").get();
    return cm != null;
  }

  private static final String CANARY = "pipeline-canary-ᛉᛊ";

  private static String secret() {
    return "apiVersion: v1\nkind: Secret\nmetadata:\n  name: web-secret\n  namespace: shop\n"
        + "stringData:\n  password: "
        + CANARY
        + "\n";
  }

  private static String namespace() {
    return "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n";
  }

  private static String configMap(String greeting) {
    return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-config\n  namespace: shop\ndata:\n  greeting: "
        + greeting
        + "\n";
  }

  private static String deployment(String image, int replicas) {
    return """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          namespace: shop
        spec:
          replicas: %d
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              containers:
                - name: web
                  image: %s
                  ports:
                    - containerPort: 80
        """
        .formatted(replicas, image);
  }

  private static String labelledDeployment(String image) {
    return """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          namespace: shop
          labels:
            tier: frontend
        spec:
          replicas: 2
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              containers:
                - name: web
                  image: %s
                  ports:
                    - containerPort: 80
                    - containerPort: 9090
                      name: metrics
                  env:
                    - name: DEBUG
                      value: "true"
        """
        .formatted(image);
  }

  private static String deploymentWithoutReplicas(String image) {
    return """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          namespace: shop
        spec:
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              containers:
                - name: web
                  image: %s
                  ports:
                    - containerPort: 80
        """
        .formatted(image);
  }
}
