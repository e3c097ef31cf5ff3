package dev.opsledger.cli;

import static dev.opsledger.testkit.TestAwait.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code opsledger up} as a newcomer runs it: its own process on the demo, then Ctrl-C. What the
 * terminal shows is OpsLedger's own lines — progress, the banner, status tables, a hint — and no
 * stack trace or framework banner, at start or at stop.
 */
class UpProcessIT {

  private static final Path JAR = Path.of("target", "opsledger.jar").toAbsolutePath();

  @TempDir Path dataDir;

  @Test
  void theTerminalShowsProgressAStatusAndAHintBuiltFromTheDemoAndStopsCleanlyOnCtrlC()
      throws Exception {
    int kafka = freePortPair();
    Path terminal = dataDir.resolveSibling(dataDir.getFileName() + "-terminal.txt");
    ProcessBuilder pb =
        new ProcessBuilder(
            ProcessHandle.current().info().command().orElse("java"),
            "-Xmx512m",
            "-Dopsledger.config-home=" + dataDir.resolve("config-home"),
            "-jar",
            JAR.toString(),
            "up",
            "--data-dir",
            dataDir.toString(),
            "--kafka-port",
            Integer.toString(kafka),
            "--kube-port",
            Integer.toString(freePort()),
            "--http-port",
            Integer.toString(freePort()),
            "--audit-port",
            Integer.toString(freePort()),
            "--poll-interval",
            "1s",
            "--status-interval",
            "1");
    pb.redirectErrorStream(true);
    pb.redirectOutput(terminal.toFile());
    Process up = pb.start();
    try {
      await("the demo is in sync and up suggests a live edit")
          .atMost(Duration.ofMinutes(5))
          .until(() -> !up.isAlive() || Files.readString(terminal).contains("Try a live edit"));
      assertThat(up.isAlive()).as(Files.readString(terminal)).isTrue();

      // Ctrl-C in a terminal sends SIGINT to the foreground process.
      assertThat(new ProcessBuilder("kill", "-INT", Long.toString(up.pid())).start().waitFor())
          .isZero();
      assertThat(up.waitFor(2, TimeUnit.MINUTES)).as("stopped after Ctrl-C").isTrue();
    } finally {
      up.destroyForcibly();
    }

    String out = Files.readString(terminal);
    assertThat(out)
        .contains("Starting OpsLedger in " + dataDir)
        .containsPattern("broker\\s+ready in")
        .containsPattern("kubernetes emulator\\s+ready in")
        .containsPattern("services\\s+ready in")
        .contains("OpsLedger is up")
        .containsPattern("shop/ConfigMap/web-config\\s+InSync")
        .contains("kubectl -n shop delete configmap web-config");
    assertThat(out)
        .as("no stack trace, no framework banner, no empty version line")
        .doesNotContain("Exception")
        .doesNotContainPattern("(?m)^\\s+at [a-z]")
        .doesNotContain(":: Spring")
        .doesNotContainPattern("(?m)::\\s+v\\s*$");
    assertThat(Files.readString(dataDir.resolve("opsledger.log")))
        .as("the stop closed the differ's database after its processors")
        .doesNotContain("Database is already closed");
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** A free port whose successor is free too: the embedded broker's controller takes port + 1. */
  private static int freePortPair() throws IOException {
    while (true) {
      int p = freePort();
      if (p < 65535) {
        try (ServerSocket next = new ServerSocket(p + 1)) {
          return p;
        } catch (IOException taken) {
          // try another
        }
      }
    }
  }
}
