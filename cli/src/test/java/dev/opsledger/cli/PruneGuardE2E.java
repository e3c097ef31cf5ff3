package dev.opsledger.cli;

import static dev.opsledger.testkit.TestAwait.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.audit.LogReader;
import dev.opsledger.audit.LoggedEvent;
import dev.opsledger.events.ApplySkipped;
import dev.opsledger.events.CommitObserved;
import dev.opsledger.events.Person;
import dev.opsledger.events.PruneHeld;
import dev.opsledger.events.SkipPolicy;
import dev.opsledger.events.SyncApproved;
import dev.opsledger.events.Topic;
import dev.opsledger.testkit.GitFixture;
import dev.opsledger.testkit.LogWriter;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.transport.RefSpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The prune guard through the whole pipeline, as {@code opsledger up} runs it against its emulator,
 * with prune on: a revision that removes more than half of the source (here, all of it) holds its
 * prunes, whatever made it do so — emptying the source path, moving it, turning it into a symlink,
 * a force-push to an unrelated history — until the source and revision are approved. The scenarios
 * build on each other, in order; each but the last puts the source back as it was.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PruneGuardE2E {

  static final String NS = "guarded";
  static final List<String> NAMES = List.of("alpha", "beta", "gamma");

  @TempDir static Path dir;

  GitFixture git;
  Launcher.Running running;
  KubernetesClient client;

  @BeforeAll
  void start() throws IOException {
    git = GitFixture.create(dir.resolve("git"));
    running = launch(dir, git, Map.of());
    client = running.emulator().client();
  }

  @AfterAll
  void stop() {
    if (running != null) {
      running.close();
    }
    git.close();
  }

  @Test
  @Order(1)
  void theSourceIsAppliedFirst() {
    declareAll(git.commit("Add the guarded objects")).push();

    awaitAllLive();
  }

  @Test
  @Order(2)
  void emptyingTheSourcePathHoldsItsPrunes() {
    var commit = git.commit("Empty the source path").delete("apps/namespace.yaml");
    NAMES.forEach(n -> commit.delete("apps/" + n + ".yaml"));
    String emptied = commit.push();

    awaitHeld(emptied);

    recorded(declareAll(git.commit("Put the source back")).push());
  }

  @Test
  @Order(3)
  void movingTheSourcePathHoldsItsPrunes() {
    var commit = git.commit("Move the source path").delete("apps/namespace.yaml");
    commit.write("moved/namespace.yaml", namespace());
    for (String n : NAMES) {
      commit.delete("apps/" + n + ".yaml").write("moved/" + n + ".yaml", configMap(n));
    }
    String moved = commit.push();

    awaitHeld(moved);

    var back = git.commit("Move it back").delete("moved/namespace.yaml");
    NAMES.forEach(n -> back.delete("moved/" + n + ".yaml"));
    recorded(declareAll(back).push());
  }

  @Test
  @Order(4)
  void turningTheSourcePathIntoASymlinkHoldsItsPrunes() throws Exception {
    Git g = git.git();
    // The manifests move to real/, and apps becomes a link to it: the source path holds no file.
    var move = git.commit("Move the manifests").write("real/namespace.yaml", namespace());
    NAMES.forEach(n -> move.write("real/" + n + ".yaml", configMap(n)));
    move.commitOnly();
    g.rm().addFilepattern("apps").call();
    Files.createSymbolicLink(git.workDir().resolve("apps"), Path.of("real"));
    g.add().addFilepattern("apps").call();
    String linked = git.commit("Turn apps into a symlink").push();

    awaitHeld(linked);

    g.rm().addFilepattern("apps").call();
    recorded(declareAll(git.commit("Make apps a directory again")).push());
  }

  @Test
  @Order(5)
  void aForcePushToAnUnrelatedHistoryHoldsItsPrunesUntilTheRevisionIsApproved() throws Exception {
    awaitAllLive();
    Git g = git.git();
    g.checkout().setOrphan(true).setName("unrelated").call();
    // An orphan branch starts from the current index: empty it, so nothing of the old history is
    // in the new one.
    g.rm().addFilepattern("apps").addFilepattern("real").call();
    String unrelated =
        git.commit("An unrelated history")
            .write("apps/other.yaml", configMap("other"))
            .commitOnly();
    g.push()
        .setRemote("origin")
        .setRefSpecs(new RefSpec("+refs/heads/unrelated:refs/heads/main"))
        .setForce(true)
        .call();

    awaitHeld(unrelated);

    try (LogWriter writer = new LogWriter(running.bootstrapServers())) {
      writer.write(
          Instant.now(),
          unrelated,
          new SyncApproved(
              null,
              "demo",
              unrelated,
              new Person("Ada", "ada@example.com"),
              "the new history is meant",
              Instant.now()));
    }
    await("the approved prunes run")
        .atMost(Duration.ofSeconds(90))
        .until(() -> NAMES.stream().allMatch(n -> !configMapExists(n)));
  }

  /**
   * Waits until the git-watcher recorded the commit: a later force-push must replace it, not the
   * revision before it (the watcher polls, and would otherwise see one history jump to the other).
   */
  void recorded(String sha) {
    await("commit " + sha + " recorded")
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                events(Topic.COMMITS).stream()
                    .anyMatch(e -> e.data() instanceof CommitObserved c && c.sha().equals(sha)));
  }

  /** Waits for the revision's PruneHeld and a held prune, and checks that nothing was deleted. */
  void awaitHeld(String revision) {
    await("PruneHeld of " + revision)
        .atMost(Duration.ofSeconds(90))
        .until(() -> heldOf(revision) != null);
    PruneHeld held = heldOf(revision);
    assertThat(held.sourceId()).isEqualTo("demo");
    assertThat(held.removals()).isEqualTo(NAMES.size() + 1);
    assertThat(held.declaredBefore()).isEqualTo(NAMES.size() + 1);
    await("the prunes of " + revision + " are skipped as held")
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                events(Topic.APPLIES).stream()
                        .filter(
                            e ->
                                e.data() instanceof ApplySkipped s
                                    && s.skippedBy(SkipPolicy.PRUNE_HELD)
                                    && revision.equals(s.desiredRevision()))
                        .count()
                    == NAMES.size() + 1);
    assertThat(NAMES).allMatch(this::configMapExists);
  }

  PruneHeld heldOf(String revision) {
    return events(Topic.APPLIES).stream()
        .map(LoggedEvent::data)
        .filter(d -> d instanceof PruneHeld h && h.revision().equals(revision))
        .map(PruneHeld.class::cast)
        .findFirst()
        .orElse(null);
  }

  void awaitAllLive() {
    await("every declared object is live")
        .atMost(Duration.ofSeconds(90))
        .until(() -> NAMES.stream().allMatch(this::configMapExists));
  }

  boolean configMapExists(String name) {
    return client.configMaps().inNamespace(NS).withName(name).get() != null;
  }

  List<LoggedEvent> events(Topic topic) {
    try (LogReader reader = new LogReader(running.bootstrapServers())) {
      return new ArrayList<>(
          reader.read(EnumSet.of(topic), null, null).stream()
              .filter(LoggedEvent::readable)
              .toList());
    }
  }

  static GitFixture.CommitBuilder declareAll(GitFixture.CommitBuilder commit) {
    commit.write("apps/namespace.yaml", namespace());
    NAMES.forEach(n -> commit.write("apps/" + n + ".yaml", configMap(n)));
    return commit;
  }

  static String namespace() {
    return "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + NS + "\n";
  }

  static String configMap(String name) {
    return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "
        + name
        + "\n  namespace: "
        + NS
        + "\ndata:\n  name: "
        + name
        + "\n";
  }

  /** {@code up} on the emulator, with prune on, the source path {@code apps}. */
  static Launcher.Running launch(Path dir, GitFixture git, Map<String, Object> extra)
      throws IOException {
    return Launcher.start(
        new Launcher.Settings(
            dir.resolve("data"),
            git.remoteUrl(),
            "main",
            "apps",
            null,
            null,
            "e2e",
            true,
            true,
            true,
            0,
            0,
            0,
            0,
            0,
            "1s",
            null,
            extra));
  }
}
