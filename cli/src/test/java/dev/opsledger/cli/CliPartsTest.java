package dev.opsledger.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opsledger.events.ResourceKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class CliPartsTest {

  private static final ResourceKey WEB =
      ResourceKey.of("prod", "apps", "Deployment", "shop", "web");
  private static final ResourceKey WEB_STAGING =
      ResourceKey.of("staging", "apps", "Deployment", "shop", "web");
  private static final ResourceKey NS = ResourceKey.of("prod", "", "Namespace", "", "shop");

  @Test
  void resolvesShortNamesAgainstTheResourcesTheLogKnows() {
    assertThat(ResourceNames.resolve("shop/Deployment/web", List.of(WEB, NS))).isEqualTo(WEB);
    assertThat(ResourceNames.resolve("shop/deployment/web", List.of(WEB, NS))).isEqualTo(WEB);
    assertThat(ResourceNames.resolve("Namespace/shop", List.of(WEB, NS))).isEqualTo(NS);
    assertThat(ResourceNames.resolve("prod/apps/Deployment/shop/web", List.of())).isEqualTo(WEB);
  }

  @Test
  void refusesAnAmbiguousOrUnknownName() {
    assertThatThrownBy(
            () -> ResourceNames.resolve("shop/Deployment/web", List.of(WEB, WEB_STAGING)))
        .isInstanceOf(CliException.class)
        .hasMessageContaining("names several resources")
        .satisfies(e -> assertThat(((CliException) e).exitCode()).isEqualTo(ExitCodes.USAGE));
    assertThatThrownBy(() -> ResourceNames.resolve("shop/Deployment/api", List.of(WEB)))
        .satisfies(e -> assertThat(((CliException) e).exitCode()).isEqualTo(ExitCodes.UNAVAILABLE));
    assertThatThrownBy(() -> ResourceNames.resolve("web", List.of(WEB)))
        .hasMessageContaining("namespace/Kind/name");
  }

  @Test
  void readsInstantsNowAndAges() {
    Instant now = Instant.parse("2026-11-27T10:00:00Z");
    assertThat(Times.parse("2h", now)).isEqualTo(Instant.parse("2026-11-27T08:00:00Z"));
    assertThat(Times.parse("30m", now)).isEqualTo(Instant.parse("2026-11-27T09:30:00Z"));
    assertThat(Times.parse("7d", now)).isEqualTo(Instant.parse("2026-11-20T10:00:00Z"));
    assertThat(Times.parse("now", now)).isEqualTo(now);
    assertThat(Times.parse("2026-01-02T03:04:05Z", now))
        .isEqualTo(Instant.parse("2026-01-02T03:04:05Z"));
    assertThatThrownBy(() -> Times.parse("yesterday", now)).hasMessageContaining("is not a time");
  }

  @Test
  void theDemoFileListNamesEveryExampleFile() throws IOException {
    Path examples = Path.of("..", "deploy", "examples");
    List<String> onDisk;
    try (Stream<Path> files = Files.walk(examples)) {
      onDisk =
          files
              .filter(Files::isRegularFile)
              .map(p -> examples.relativize(p).toString().replace('\\', '/'))
              .sorted()
              .toList();
    }
    List<String> listed;
    try (var in = CliPartsTest.class.getResourceAsStream("/demo-files.txt")) {
      listed =
          new String(in.readAllBytes(), StandardCharsets.UTF_8)
              .lines()
              .map(String::trim)
              .filter(l -> !l.isEmpty())
              .sorted()
              .toList();
    }
    assertThat(listed).isEqualTo(onDisk);
  }

  @Test
  void everyCommandAnswersHelpWithItsUsage() {
    for (String[] args :
        List.of(
            new String[] {"up", "--help"},
            new String[] {"status", "--help"},
            new String[] {"diff", "--help"},
            new String[] {"sync", "--help"},
            new String[] {"rollback", "--help"},
            new String[] {"audit", "history", "--help"},
            new String[] {"replay", "--help"})) {
      java.io.StringWriter out = new java.io.StringWriter();
      picocli.CommandLine cl = OpsLedgerCli.commandLine();
      cl.setOut(new java.io.PrintWriter(out));
      cl.setErr(new java.io.PrintWriter(new java.io.StringWriter()));

      assertThat(cl.execute(args)).as(String.join(" ", args)).isZero();
      assertThat(out.toString()).contains("Usage: opsledger " + args[0]);
    }
  }

  @Test
  void rollbackToReadsATimeWhenItLooksLikeOneAndAShaOtherwise() {
    assertThat(RollbackCommand.isTime("2026-11-27T10:00:00Z")).isTrue();
    assertThat(RollbackCommand.isTime("now")).isTrue();
    assertThat(RollbackCommand.isTime("2h")).isTrue();
    assertThat(RollbackCommand.isTime("3f2c9e1")).isFalse();
    assertThat(RollbackCommand.isTime("9f2c1e7a4b3d5c6e8f0a1b2c3d4e5f60718293a4")).isFalse();
  }
}
