package dev.opsledger.cli;

import static dev.opsledger.testkit.TestAwait.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.opsledger.audit.LogReader;
import dev.opsledger.audit.LoggedEvent;
import dev.opsledger.events.EventCodec;
import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.Person;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.events.SyncApproved;
import dev.opsledger.events.Topic;
import dev.opsledger.kafka.KafkaAccessDeniedException;
import dev.opsledger.kafka.KafkaConnection;
import dev.opsledger.kafka.KafkaRecords;
import dev.opsledger.kafka.KafkaSettings;
import dev.opsledger.sandbox.kubernetes.KubernetesEmulator;
import dev.opsledger.service.SecretKeys;
import dev.opsledger.testkit.SecuredKafka;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline on a secured Kafka: the embedded broker with SASL/SCRAM-SHA-512 on a {@code
 * SASL_PLAINTEXT} loopback listener, every service given its credentials only through {@code
 * opsledger.kafka.properties.*} (so producers, consumers, admin clients and the binder must all
 * take them, or nothing converges), the CLI through {@code --kafka-properties}. Wrong credentials
 * are a clear start-up error, and a client without any writes nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecuredKafkaE2E {

  private static final String TARGET = "sasl";
  private static final String USER = "opsledger";
  private static final String PASSWORD = "opsledger-" + Long.toHexString(System.nanoTime());
  private static final ResourceKey WEB =
      ResourceKey.of(TARGET, "apps", "Deployment", "shop", "web");

  @TempDir static Path dir;

  private SecuredKafka kafka;
  private KafkaConnection opsledger;
  private KubernetesEmulator emulator;
  private Path kubeconfig;
  private AutoCloseable fleet;

  @BeforeAll
  void start() throws IOException {
    kafka = SecuredKafka.get();
    opsledger = kafka.user(USER, PASSWORD);
    emulator = KubernetesEmulator.builder().port(0).dataDirectory(dir.resolve("cluster")).start();
    kubeconfig = emulator.writeKubeconfig(dir.resolve("kubeconfig"));
    fleet = Fleet.start(fleetProperties(opsledger, dir.resolve("fleet")));
  }

  @AfterAll
  void stop() throws Exception {
    if (fleet != null) {
      fleet.close();
    }
    if (emulator != null) {
      emulator.close();
    }
  }

  @Test
  void theDemoConvergesWithEveryClientAuthenticated() {
    await("the demo's Deployment is applied to the cluster over the SASL broker")
        .atMost(Duration.ofSeconds(120))
        .until(
            () ->
                emulator.client().apps().deployments().inNamespace("shop").withName("web").get()
                    != null);
    await("web is in sync in the log")
        .atMost(Duration.ofSeconds(120))
        .until(
            () ->
                CurrentState.read(opsledger).resources().stream()
                    .anyMatch(r -> r.resource().equals(WEB) && "InSync".equals(r.syncState())));
  }

  @Test
  void theCliReadsTheSecuredLogWithKafkaProperties() throws IOException {
    theDemoConvergesWithEveryClientAuthenticated();
    Path properties = propertiesFile("cli.properties", opsledger.properties());

    Run status =
        run(
            "status",
            "--bootstrap-servers",
            kafka.bootstrapServers(),
            "--kafka-properties",
            properties.toString());

    assertThat(status.code).as(status.err).isEqualTo(ExitCodes.OK);
    assertThat(status.out).contains("shop/Deployment/web");
  }

  @Test
  void theCliWithAWrongPasswordSaysAuthenticationFailed() throws IOException {
    Path wrong =
        propertiesFile("wrong.properties", kafka.connection(USER, "not-the-password").properties());

    Run status =
        assertTimeoutPreemptively(
            Duration.ofMinutes(2),
            () ->
                run(
                    "status",
                    "--bootstrap-servers",
                    kafka.bootstrapServers(),
                    "--kafka-properties",
                    wrong.toString()));

    assertThat(status.code).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(status.err).contains("Kafka authentication failed").doesNotContain(PASSWORD);
  }

  @Test
  void theCliRefusesAMissingPropertiesFile() {
    Run status =
        run(
            "status",
            "--bootstrap-servers",
            kafka.bootstrapServers(),
            "--kafka-properties",
            dir.resolve("absent.properties").toString());

    assertThat(status.code).isEqualTo(ExitCodes.USAGE);
    assertThat(status.err).contains("--kafka-properties: no such file");
  }

  @Test
  void aServiceWithAWrongPasswordStopsAtStartWithAnAuthenticationError() {
    KafkaConnection wrong = kafka.connection(USER, "not-the-password");

    assertTimeoutPreemptively(
        Duration.ofMinutes(2),
        () ->
            assertThatThrownBy(() -> Fleet.start(fleetProperties(wrong, dir.resolve("wrong"))))
                .as("a start-up error naming authentication, not a hang")
                .satisfies(
                    e ->
                        assertThat(KafkaAccessDeniedException.find(e, "starting"))
                            .isNotNull()
                            .hasMessageContaining("Kafka authentication failed")
                            .hasMessageContaining("SCRAM-SHA-512")
                            .hasMessageNotContaining("not-the-password")));
  }

  @Test
  void anUnauthenticatedProducerCannotForgeAnApproval() {
    Map<String, Object> config =
        KafkaSettings.producer(KafkaConnection.of(kafka.bootstrapServers()));
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000");
    SyncApproved forged =
        new SyncApproved(
            WEB,
            "demo",
            "forged-revision",
            new Person("mallory", ""),
            "forged",
            Instant.now().truncatedTo(ChronoUnit.MILLIS));
    var record =
        KafkaRecords.toProducerRecord(
            new EventCodec().encode(EventEnvelope.create("/opsledger/cli", "forged", forged)));

    assertThatThrownBy(
            () -> {
              try (var producer = new KafkaProducer<String, byte[]>(config)) {
                producer.send(record).get(30, TimeUnit.SECONDS);
              }
            })
        .as("the broker never lets a client without credentials past the SASL handshake")
        .hasRootCauseInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
    try (LogReader reader = new LogReader(kafka.admin())) {
      List<LoggedEvent> approvals = reader.read(EnumSet.of(Topic.APPROVALS), null, null);
      assertThat(approvals)
          .noneMatch(
              e ->
                  e.readable()
                      && e.data() instanceof SyncApproved a
                      && "forged-revision".equals(a.revision()));
    }
  }

  private Map<String, Object> fleetProperties(KafkaConnection connection, Path data)
      throws IOException {
    Files.createDirectories(data);
    Path key = data.resolve("secret.key");
    SecretKeys.createIfAbsent(key);
    DemoRepository demo = DemoRepository.createIfAbsent(data.resolve("demo"));
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("opsledger.kafka.bootstrap-servers", connection.bootstrapServers());
    connection.properties().forEach((k, v) -> p.put("opsledger.kafka.properties." + k, v));
    p.put("opsledger.kafka.replication-factor", "1");
    p.put("opsledger.secrets.key-file", key.toString());
    p.put("server.port", "0");
    p.put("server.address", "127.0.0.1");
    Fleet.sourceProperties(
        p, "demo", demo.url(), DemoRepository.BRANCH, "", TARGET, "2s", data.resolve("git-cache"));
    Fleet.kubernetesProperties(p, TARGET, kubeconfig, null);
    Fleet.differProperties(p, data.resolve("differ"));
    Fleet.applierProperties(p, "demo", true, true, true);
    return p;
  }

  private static Path propertiesFile(String name, Map<String, String> values) throws IOException {
    Properties p = new Properties();
    p.putAll(values);
    Path file = dir.resolve(name);
    try (Writer w = Files.newBufferedWriter(file)) {
      p.store(w, null);
    }
    return file;
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
