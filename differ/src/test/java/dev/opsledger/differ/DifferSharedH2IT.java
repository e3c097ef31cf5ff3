package dev.opsledger.differ;

import static dev.opsledger.differ.ItSupport.absent;
import static dev.opsledger.differ.ItSupport.desired;
import static dev.opsledger.differ.ItSupport.live;
import static dev.opsledger.differ.ItSupport.manifest;
import static dev.opsledger.differ.ItSupport.observed;
import static dev.opsledger.differ.ItSupport.send;
import static dev.opsledger.testkit.TestAwait.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.differ.ItSupport.DiffsReader;
import dev.opsledger.events.EventCodec;
import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.OpsLedgerEvent;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.service.EventPublisher;
import dev.opsledger.testkit.SharedKafka;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberDescription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two differ JVMs sharing one H2 file in mixed mode ({@code AUTO_SERVER=TRUE}), as a local fleet
 * runs them: the first to open it serves it to the other. The first is killed ({@code kill -9})
 * mid-way, so the other must open the file itself and take the outbox's claim over, and then joins
 * again. Every resource's diffs are what one differ would publish; an event republished after the
 * crash keeps its id (at least once), and no resource gets a state twice under two ids.
 */
class DifferSharedH2IT {

  private static final Logger LOG = LoggerFactory.getLogger(DifferSharedH2IT.class);
  private static final Instant T1 = Instant.parse("2026-03-01T09:00:00Z");
  private static final int RESOURCES = 150;

  /** Each differ's output, kept after the test. */
  private static final Path LOGS = Path.of("target", "shared-h2-it");

  @TempDir Path dir;

  final String target = "shared-h2-it-" + UUID.randomUUID().toString().substring(0, 8);
  final String group = "shared-h2-it-" + UUID.randomUUID();

  ResourceKey key(int i) {
    return ResourceKey.of(target, "", "ConfigMap", "shop", "r" + i);
  }

  /** The URL a fleet gives each differ: one file, mixed mode, no DB_CLOSE_ON_EXIT=FALSE. */
  String url() {
    return "jdbc:h2:file:"
        + dir.resolve("store").resolve("differ")
        + ";AUTO_SERVER=TRUE;WRITE_DELAY=0";
  }

  Process start(String name) {
    Path log = LOGS.resolve(target + "-" + name + ".log");
    try {
      Files.createDirectories(LOGS);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx384m");
    command.add("-XX:+UseSerialGC");
    command.add("-Dh2.bindAddress=127.0.0.1");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(DifferApplication.class.getName());
    command.add("--spring.datasource.url=" + url());
    command.add("--opsledger.kafka.bootstrap-servers=" + SharedKafka.bootstrapServers());
    DifferConfiguration.FUNCTIONS.forEach(
        f ->
            command.add(
                "--"
                    + f.groupProperty()
                    + "="
                    + (f.name().equals(DifferConfiguration.INPUTS_IN)
                        ? group
                        : group + "-" + f.name())));
    command.add("--opsledger.differ.snapshot-threshold=3");
    command.add("--opsledger.differ.checkpoint-interval=0");
    command.add("--server.port=0");
    // A killed differ's partitions move after the session timeout: 10 s rather than 45.
    command.add("--spring.cloud.stream.kafka.binder.consumer-properties.session.timeout.ms=10000");
    command.add(
        "--spring.cloud.stream.kafka.binder.consumer-properties.heartbeat.interval.ms=2000");
    try {
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
      LOG.info("differ {} started as pid {} (output in {})", name, p.pid(), log);
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  List<EventEnvelope<OpsLedgerEvent>> firstInputs(int from, int to) {
    List<EventEnvelope<OpsLedgerEvent>> out = new ArrayList<>();
    for (int i = from; i < to; i++) {
      ResourceKey r = key(i);
      out.add(desired(r, "rev1", manifest(r, "x"), T1));
      out.add(
          switch (i % 3) {
            case 0 -> observed(r, live(r, "x", "1"));
            case 1 -> observed(r, live(r, "drifted", "1"));
            default -> absent(r);
          });
    }
    return out;
  }

  @Test
  void twoDifferJvmsShareOneH2FileInMixedModeAcrossAKillAndARejoin() throws Exception {
    long began = System.nanoTime();
    Process first = null;
    Process second = null;
    try (EventPublisher publisher =
            new EventPublisher(SharedKafka.bootstrapServers(), new EventCodec(), null);
        DiffsReader diffs = new DiffsReader(target);
        Admin admin = Admin.create(Map.of("bootstrap.servers", SharedKafka.bootstrapServers()))) {
      first = start("first");
      awaitMembers(admin, 1, first);
      second = start("second");
      awaitMembers(admin, 2, first, second);

      send(publisher, firstInputs(0, RESOURCES / 2));
      await("some diffs published").until(() -> diffs.poll().size() >= RESOURCES / 6);
      send(publisher, firstInputs(RESOURCES / 2, RESOURCES));
      // The first differ serves the H2 file to the other and created the outbox's token.
      first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      LOG.info("killed the first differ (kill -9) mid-way");
      await("a first diff for every resource, from the second differ alone")
          .atMost(Duration.ofSeconds(120))
          .until(() -> count(diffs, of -> !of.isEmpty()) == RESOURCES);

      first = start("first-again");
      awaitMembers(admin, 2, first, second);
      List<EventEnvelope<OpsLedgerEvent>> repairs = new ArrayList<>();
      for (int i = 0; i < RESOURCES; i++) {
        if (i % 3 != 0) {
          repairs.add(observed(key(i), live(key(i), "x", "2")));
        }
      }
      send(publisher, repairs);
      await("every resource in sync")
          .atMost(Duration.ofSeconds(120))
          .until(
              () ->
                  count(
                          diffs,
                          of -> !of.isEmpty() && state(of.get(of.size() - 1)).equals("IN_SYNC"))
                      == RESOURCES);
    } finally {
      for (Process p : new Process[] {first, second}) {
        if (p != null) {
          p.destroy();
          if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
          }
        }
      }
    }
    try (DiffsReader all = new DiffsReader(target)) {
      await("every diff read again").until(() -> count(all, of -> !of.isEmpty()) == RESOURCES);
      all.poll();
      int republished = 0;
      for (int i = 0; i < RESOURCES; i++) {
        List<EventEnvelope<OpsLedgerEvent>> of = all.of(key(i));
        Set<String> ids = new LinkedHashSet<>();
        List<String> states = new ArrayList<>();
        for (EventEnvelope<OpsLedgerEvent> e : of) {
          if (ids.add(e.id())) {
            states.add(state(e));
          } else {
            republished++;
          }
        }
        assertThat(states)
            .as("the diffs of %s", key(i))
            .containsExactlyElementsOf(
                switch (i % 3) {
                  case 0 -> List.of("IN_SYNC");
                  case 1 -> List.of("DRIFTED", "IN_SYNC");
                  default -> List.of("MISSING", "IN_SYNC");
                });
      }
      LOG.info(
          "{} resources on one H2 file shared by two differ JVMs, the first killed and started"
              + " again: {} s; {} diff events republished with their id after the kill",
          RESOURCES,
          TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - began),
          republished);
    }
  }

  private long count(
      DiffsReader diffs, java.util.function.Predicate<List<EventEnvelope<OpsLedgerEvent>>> test) {
    diffs.poll();
    return IntStream.range(0, RESOURCES).filter(i -> test.test(diffs.of(key(i)))).count();
  }

  private static String state(EventEnvelope<OpsLedgerEvent> e) {
    return switch (e.data().getClass().getSimpleName()) {
      case "ResourceInSync" -> "IN_SYNC";
      case "DriftDetected" -> "DRIFTED";
      case "ResourceMissing" -> "MISSING";
      default -> e.data().getClass().getSimpleName();
    };
  }

  private void awaitMembers(Admin admin, int members, Process... processes) {
    await(members + " differ JVMs in the input group")
        .atMost(Duration.ofSeconds(120))
        .until(
            () -> {
              for (Process p : processes) {
                if (!p.isAlive()) {
                  throw new IllegalStateException(
                      "a differ exited: "
                          + p.pid()
                          + ", see the logs under "
                          + LOGS.toAbsolutePath());
                }
              }
              List<MemberDescription> all;
              try {
                all =
                    List.copyOf(
                        admin
                            .describeConsumerGroups(List.of(group))
                            .all()
                            .get()
                            .get(group)
                            .members());
              } catch (java.util.concurrent.ExecutionException e) {
                return false; // not created yet
              }
              List<MemberDescription> assigned =
                  all.stream().filter(m -> !m.assignment().topicPartitions().isEmpty()).toList();
              return assigned.size() == members * DifferConfiguration.INPUT_CONSUMERS;
            });
  }
}
