package dev.opsledger.testkit.kube;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real API server leaves no process behind: each test runs a child JVM that starts its own etcd
 * and kube-apiserver through {@link RealKubernetes#shared()}, then dies, and checks that both
 * server processes are gone.
 */
class NoStrayProcessIT {

  @BeforeAll
  static void requireBinaries() {
    // Skips (or fails on CI) exactly as the other real-server tests when there is no Go.
    RealKubernetesExtension.server();
  }

  @Test
  void leavesNoServerRunningWhenATestFailsAndTheJvmExits() throws Exception {
    Process jvm = probe("fail");
    List<Long> pids = serverPids(jvm);
    jvm.getOutputStream().write('\n'); // now fail
    jvm.getOutputStream().close();
    assertThat(jvm.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(jvm.exitValue()).isNotZero();

    assertGone(pids);
  }

  @Test
  void leavesNoServerRunningWhenTheTestJvmIsKilled() throws Exception {
    Process jvm = probe("wait");
    List<Long> pids = serverPids(jvm);
    jvm.destroyForcibly(); // SIGKILL: no shutdown hook runs
    assertThat(jvm.waitFor(30, TimeUnit.SECONDS)).isTrue();

    assertGone(pids);
  }

  private static void assertGone(List<Long> pids) {
    Awaitility.await("etcd and kube-apiserver " + pids + " have exited")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> pids.stream().noneMatch(NoStrayProcessIT::running));
  }

  private static Process probe(String mode) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(
            java,
            "-Xmx256m",
            "-cp",
            System.getProperty("java.class.path"),
            StrayProcessProbe.class.getName(),
            mode)
        .redirectErrorStream(true)
        .start();
  }

  /** Reads the child's output until it prints the server pids; fails if it never does. */
  private static List<Long> serverPids(Process jvm) throws IOException {
    StringBuilder seen = new StringBuilder();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8));
    for (String line = out.readLine(); line != null; line = out.readLine()) {
      seen.append(line).append('\n');
      if (line.startsWith("PIDS [")) {
        List<Long> pids =
            Arrays.stream(line.substring(6, line.length() - 1).split(",\\s*"))
                .map(Long::parseLong)
                .toList();
        assertThat(pids).hasSize(2);
        assertThat(pids).allMatch(NoStrayProcessIT::running);
        // Keep draining so the child never blocks on a full pipe.
        Thread drain = new Thread(() -> out.lines().forEach(l -> {}), "probe-output");
        drain.setDaemon(true);
        drain.start();
        return pids;
      }
    }
    throw new AssertionError("the child JVM printed no server pids:\n" + seen);
  }

  /**
   * Whether a process runs: it exists and is not a zombie (an orphan that exited but that its new
   * parent has not reaped yet counts as gone).
   */
  private static boolean running(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
    } catch (IOException e) {
      return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
  }
}
