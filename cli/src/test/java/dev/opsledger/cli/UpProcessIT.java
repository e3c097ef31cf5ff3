package dev.opsledger.cli;

import static dev.opsledger.testkit.TestAwait.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.cli.reliability.UpProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A newcomer's first minutes, as the README tells them: {@code ./opsledger up} in its own process
 * on the demo, then the README's drift walkthrough, command by command, from a second "terminal",
 * then a stop. It runs the real launcher script in a directory laid out like a checkout whose CLI
 * is already built (this module's jar), so nothing is rebuilt.
 *
 * <p>The terminal shows OpsLedger's own lines (progress, where things are, status tables, a hint)
 * and no stack trace or framework banner, at start or at stop.
 */
class UpProcessIT {

  private static final Path README = Path.of("..", "README.md").toAbsolutePath().normalize();

  /** What both terminals showed, kept for whoever reads a failed build. */
  private static final Path TRANSCRIPTS = Path.of("target", "up-process-it").toAbsolutePath();

  @TempDir Path checkout;

  @Test
  void theReadmeWalkthroughRunsInOrderAndUpStopsCleanly() throws Exception {
    builtCheckout();
    Path terminal = TRANSCRIPTS.resolve("terminal-1.txt");
    ProcessBuilder pb =
        new ProcessBuilder(
            "./opsledger",
            "up",
            "--kafka-port",
            Integer.toString(UpProcess.freePortPair()),
            "--kube-port",
            Integer.toString(UpProcess.freePort()),
            "--http-port",
            Integer.toString(UpProcess.freePort()),
            "--audit-port",
            Integer.toString(UpProcess.freePort()),
            "--management-port",
            Integer.toString(UpProcess.freePort()),
            "--poll-interval",
            "1s",
            "--status-interval",
            "1");
    pb.directory(checkout.toFile());
    pb.environment().put("OPSLEDGER_JAVA_OPTS", "-Xmx512m " + configHome());
    pb.redirectErrorStream(true);
    pb.redirectOutput(terminal.toFile());
    Process up = pb.start();
    String walkthrough;
    try {
      await("the demo is in sync and up suggests a live edit")
          .atMost(Duration.ofMinutes(5))
          .until(() -> !up.isAlive() || Files.readString(terminal).contains("Try a live edit"));
      assertThat(up.isAlive()).as(Files.readString(terminal)).isTrue();

      walkthrough = runWalkthrough();

      String reverted = git("rev-parse", "HEAD").substring(0, 12);
      await("the revert of the bump reached the cluster and status says so")
          .atMost(Duration.ofMinutes(2))
          .until(
              () ->
                  kubectl(
                              "-n",
                              "shop",
                              "get",
                              "deployment",
                              "web",
                              "-o",
                              "jsonpath={.spec.template.spec.containers[0].image}")
                          .equals("nginx:1.27")
                      && opsledger("status")
                          .matches(
                              "(?s).*shop/Deployment/web\\s+sandbox\\s+InSync\\s+\\w+\\s+"
                                  + reverted
                                  + ".*"));
      assertThat(opsledger("audit", "history", "shop/Deployment/web"))
          .as("declared at the demo's first commit, the bump and the revert")
          .containsPattern("(?s)(desired\\.changed.*){3}");

      // Ctrl-C sends SIGINT, kill and service managers SIGTERM: the JVM runs the same shutdown
      // hook for both. SIGTERM it is, because a build started in the background (CI) hands its
      // processes SIGINT ignored, and an ignored signal stays ignored across exec.
      assertThat(new ProcessBuilder("kill", "-TERM", Long.toString(up.pid())).start().waitFor())
          .isZero();
      assertThat(up.waitFor(2, TimeUnit.MINUTES)).as("stopped").isTrue();
    } finally {
      up.destroyForcibly();
    }

    assertThat(walkthrough)
        .as("the README walkthrough's output")
        .contains("deployment.apps/web patched")
        .containsPattern("shop/Deployment/web\\s+\\S+\\s+\\w+")
        .contains("Bump web")
        .contains("Revert \"Bump web\"")
        .contains("TIME")
        .doesNotContain("command not found")
        .doesNotContain("error:");

    String out = Files.readString(terminal);
    assertThat(out)
        .contains("Starting OpsLedger in " + checkout.resolve(".opsledger"))
        .containsPattern("broker\\s+ready in")
        .containsPattern("kubernetes emulator\\s+ready in")
        .containsPattern("services\\s+ready in")
        .contains("OpsLedger is up")
        .containsPattern("shop/ConfigMap/web-config\\s+InSync")
        .contains("kubectl -n shop delete configmap web-config")
        .contains("./opsledger audit history shop/ConfigMap/web-config");
    assertThat(out)
        .as("no stack trace, no framework banner or logback status, no empty version line")
        .doesNotContain("Exception")
        .doesNotContainPattern("(?m)^\\s+at [a-z]")
        .doesNotContain(":: Spring")
        .doesNotContain("|-WARN")
        .doesNotContainPattern("(?m)::\\s+v\\s*$")
        // java.util.logging's console format (Tomcat's start-up lines) belongs in the log file.
        .doesNotContainPattern("(?m)^INFO: ")
        .doesNotContain("org.apache.catalina");
    assertThat(Files.readString(checkout.resolve(".opsledger/opsledger.log")))
        .as("the stop closed the differ's database after its processors")
        .doesNotContain("Database is already closed");
  }

  /** The README's "Make drift happen" block, run line by line in one shell, as typed. */
  private String runWalkthrough() throws Exception {
    List<String> lines = Files.readAllLines(README);
    int heading = lines.indexOf("Make drift happen, from a second terminal:");
    assertThat(heading).as("the README still has the walkthrough").isPositive();
    int open = heading + 1;
    while (!lines.get(open).startsWith("```")) {
      open++;
    }
    List<String> commands = new ArrayList<>();
    for (int i = open + 1; !lines.get(i).startsWith("```"); i++) {
      commands.add(lines.get(i));
    }
    assertThat(commands).isNotEmpty();
    Path script = checkout.resolve("walkthrough.sh");
    Files.writeString(script, String.join("\n", commands) + "\n");
    Path transcript = TRANSCRIPTS.resolve("terminal-2.txt");
    ProcessBuilder pb = new ProcessBuilder("bash", "-x", script.toString());
    pb.directory(checkout.toFile());
    pb.environment().put("OPSLEDGER_JAVA_OPTS", configHome());
    pb.redirectErrorStream(true);
    pb.redirectOutput(transcript.toFile());
    Process p = pb.start();
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("the walkthrough finished").isTrue();
    return Files.readString(transcript);
  }

  private String opsledger(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("./opsledger"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.directory(checkout.toFile());
    pb.environment().put("OPSLEDGER_JAVA_OPTS", configHome());
    pb.redirectErrorStream(true);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor();
    return out;
  }

  private String git(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("git", "-C", ".opsledger/demo/work"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.directory(checkout.toFile());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes()).strip();
    assertThat(p.waitFor()).as("git " + String.join(" ", args)).isZero();
    return out;
  }

  private String kubectl(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("kubectl"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("KUBECONFIG", checkout.resolve(".opsledger/kubeconfig").toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes()).strip();
    return p.waitFor() == 0 ? out : "";
  }

  private String configHome() {
    return "-Dopsledger.config-home=" + checkout.resolve("config-home");
  }

  /** The launcher script next to a CLI it considers built, with the README to follow. */
  private void builtCheckout() throws IOException {
    Files.createDirectories(TRANSCRIPTS);
    UpProcess.builtCheckout(checkout);
    Files.copy(README, checkout.resolve("README.md"));
  }
}
