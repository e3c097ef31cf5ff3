package dev.opsledger.cli;

import static dev.opsledger.testkit.TestAwait.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.audit.LogReader;
import dev.opsledger.audit.LoggedEvent;
import dev.opsledger.events.ApplyFailed;
import dev.opsledger.events.CommitObserved;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.events.Topic;
import dev.opsledger.testkit.DeadLetters;
import dev.opsledger.testkit.GitFixture;
import dev.opsledger.testkit.LocalPostgres;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Outages lose nothing: the whole pipeline as {@code opsledger up} runs it, with the differ's event
 * store on a PostgreSQL server of this test's own ({@link LocalPostgres}: the shared one on 5432
 * stays up for the other tests) and the sandbox's Kubernetes emulator, each of which is stopped for
 * two minutes and started again on the same port. The two outages overlap, so both take one
 * two-minute window of CI time: the API server goes first, so that the applier meets it with a diff
 * the differ could still compute; the database follows while a commit is on its way through the
 * differ. Afterwards the cluster holds what Git says and no record is in any dead-letter topic.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OutagesE2E {

  private static final Duration OUTAGE = Duration.ofMinutes(2);
  private static final String TARGET = "outage";
  private static final ResourceKey CONFIG =
      ResourceKey.of(TARGET, "", "ConfigMap", "shop", "web-config");
  private static final ResourceKey EXTRA =
      ResourceKey.of(TARGET, "", "ConfigMap", "shop", "web-extra");

  @TempDir static Path dir;

  private LocalPostgres postgres;
  private GitFixture git;
  private Launcher.Running running;

  @BeforeAll
  void start() throws IOException {
    postgres = LocalPostgres.start();
    git = GitFixture.create(dir.resolve("git"));
    Map<String, Object> extra = new HashMap<>();
    extra.put("spring.datasource.url", postgres.jdbcUrl("postgres"));
    extra.put("spring.datasource.username", LocalPostgres.USER);
    extra.put("spring.datasource.password", "");
    // A short pool timeout, as a fleet would set one, so an attempt against the stopped database
    // fails in seconds rather than Hikari's default 30 s: the binder's old 8 attempts then ran out
    // within the first minute of the outage.
    extra.put("spring.datasource.hikari.connection-timeout", "2000");
    // The applier's own retries back off to 3 minutes by default; shorter here so the test does
    // not wait that long after the API server is back. Not what is tested: that nothing is lost.
    extra.put("opsledger.applier.retry.max-backoff", "20s");
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
                false,
                0,
                0,
                0,
                0,
                0,
                "1s",
                null,
                extra));
  }

  @AfterAll
  void stop() {
    if (running != null) {
      running.close();
    }
    if (git != null) {
      git.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  @Order(1)
  void aCommitConvergesWithTheEventStoreOnPostgres() {
    git.commit("Add the shop")
        .write("apps/namespace.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n")
        .write("apps/config.yaml", configMap("web-config", "v1"))
        .push();

    await("the config map is created").until(() -> "v1".equals(greeting("web-config")));
    awaitInSync(CONFIG);
  }

  @Test
  @Order(2)
  void theApiServerAndTheDatabaseEachDownForTwoMinutesLoseNothingAndDeadLetterNothing() {
    running.emulator().stop();
    Instant apiDown = Instant.now();
    String c2 =
        git.commit("Greet v2").write("apps/config.yaml", configMap("web-config", "v2")).push();
    await("the applier retries the apply while the API server is down")
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                events(Topic.APPLIES).stream()
                    .anyMatch(
                        e ->
                            e.data() instanceof ApplyFailed f
                                && f.resource().equals(CONFIG)
                                && c2.equals(f.desiredRevision())
                                && f.retrying()
                                && f.reason().equals("Unreachable")));

    postgres.stopServer();
    Instant databaseDown = Instant.now();
    String c3 =
        git.commit("Greet v3, and an extra config map")
            .write("apps/config.yaml", configMap("web-config", "v3"))
            .write("apps/extra.yaml", configMap("web-extra", "x"))
            .push();
    await("the commit is recorded while the database is down")
        .until(
            () ->
                events(Topic.COMMITS).stream()
                    .anyMatch(e -> e.data() instanceof CommitObserved c && c.sha().equals(c3)));

    await("two minutes of API server outage")
        .atMost(OUTAGE.plusMinutes(1))
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> !Instant.now().isBefore(apiDown.plus(OUTAGE)));
    running.emulator().start();
    await("two minutes of database outage")
        .atMost(OUTAGE.plusMinutes(1))
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> !Instant.now().isBefore(databaseDown.plus(OUTAGE)));
    postgres.startServer();

    await("the cluster holds the commit made while the database was down")
        .atMost(Duration.ofMinutes(4))
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> "v3".equals(greeting("web-config")) && "x".equals(greeting("web-extra")));
    awaitInSync(CONFIG, EXTRA);
    assertThat(deadLetters()).as("records in any dead-letter topic").isEmpty();
  }

  private String greeting(String name) {
    ConfigMap cm =
        running.emulator().client().configMaps().inNamespace("shop").withName(name).get();
    return cm == null || cm.getData() == null ? null : cm.getData().get("greeting");
  }

  private void awaitInSync(ResourceKey... keys) {
    await("in sync: " + Arrays.toString(keys))
        .atMost(Duration.ofMinutes(3))
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

  /** Every record of every dead-letter topic of the catalogue (this broker is the test's own). */
  private List<String> deadLetters() {
    return DeadLetters.read(running.bootstrapServers());
  }

  private static String configMap(String name, String greeting) {
    return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "
        + name
        + "\n  namespace: shop\ndata:\n  greeting: "
        + greeting
        + "\n";
  }
}
