package dev.opsledger.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code opsledger up --repo … --exit-when-synced} through the real launcher script, so its JVM
 * options are the ones users get (or {@code OPSLEDGER_JAVA_OPTS} when given). Times come from the
 * process's own output, read as it is written; peak RSS ({@code VmHWM}) and CPU time ({@code utime
 * + stime}) from {@code /proc/<pid>}, sampled until it exits. The script ends with {@code exec
 * java}, so the pid started is the JVM's.
 */
final class UpRun {

  private static final Pattern UP = Pattern.compile("OpsLedger is up \\((\\d+) ms\\)");
  private static final Pattern SYNCED =
      Pattern.compile("All declared resources in sync (\\d+) ms after start");
  static final long CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux

  /** What one run measured; times in seconds, -1 when the process never said. */
  record Result(
      int exitCode,
      double upSeconds,
      double syncedAfterStartSeconds,
      double wallSeconds,
      long peakRssBytes,
      double cpuSeconds,
      List<String> output) {

    double syncedAfterUpSeconds() {
      return upSeconds < 0 || syncedAfterStartSeconds < 0
          ? -1
          : syncedAfterStartSeconds - upSeconds;
    }
  }

  private UpRun() {}

  /**
   * The process of one {@code up} of the launcher in {@code root}: its JVM options, and its own
   * configuration home, so that it does not become the machine's current instance (which the CLI
   * uses when no {@code --data-dir} is given) while a benchmark runs.
   */
  static ProcessBuilder processFor(List<String> command, Path root, Path dataDir, String javaOpts) {
    ProcessBuilder pb = new ProcessBuilder(command).directory(root.toFile());
    pb.redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    if (javaOpts == null || javaOpts.isBlank()) {
      env.remove("OPSLEDGER_JAVA_OPTS");
    } else {
      env.put("OPSLEDGER_JAVA_OPTS", javaOpts);
    }
    env.put("XDG_CONFIG_HOME", dataDir.toAbsolutePath().resolveSibling("config").toString());
    return pb;
  }

  static Result run(Path root, Path repo, Path dataDir, String javaOpts, long timeoutSeconds)
      throws IOException, InterruptedException {
    return run(root, repo, dataDir, javaOpts, timeoutSeconds, List.of());
  }

  /** As above, with more arguments to {@code up} (e.g. {@code --kubeconfig <file>}). */
  static Result run(
      Path root,
      Path repo,
      Path dataDir,
      String javaOpts,
      long timeoutSeconds,
      List<String> moreArgs)
      throws IOException, InterruptedException {
    int kafkaPort = freePortPair();
    List<String> command =
        new ArrayList<>(
            List.of(
                root.resolve("opsledger").toString(),
                "up",
                "--repo",
                repo.toString(),
                "--data-dir",
                dataDir.toString(),
                "--exit-when-synced",
                "--status-interval",
                "0",
                "--kafka-port",
                Integer.toString(kafkaPort),
                "--kube-port",
                Integer.toString(freePort()),
                "--http-port",
                Integer.toString(freePort()),
                "--audit-port",
                Integer.toString(freePort()),
                "--management-port",
                Integer.toString(freePort())));
    command.addAll(moreArgs);
    ProcessBuilder pb = processFor(command, root, dataDir, javaOpts);
    long start = System.nanoTime();
    Process process = pb.start();
    List<String> output = new ArrayList<>();
    long[] upAt = {-1};
    long[] syncedMs = {-1};
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                  synchronized (output) {
                    output.add(line);
                  }
                  Matcher up = UP.matcher(line);
                  if (up.find()) {
                    upAt[0] = System.nanoTime();
                  }
                  Matcher synced = SYNCED.matcher(line);
                  if (synced.find()) {
                    syncedMs[0] = Long.parseLong(synced.group(1));
                  }
                }
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            },
            "up-output");
    reader.start();
    Path proc = Path.of("/proc", Long.toString(process.pid()));
    long peakRss = 0;
    long cpuTicks = 0;
    long deadline = start + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    while (!process.waitFor(100, TimeUnit.MILLISECONDS)) {
      peakRss = Math.max(peakRss, peakRss(proc));
      cpuTicks = Math.max(cpuTicks, cpuTicks(proc));
      if (System.nanoTime() > deadline) {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
        break;
      }
    }
    long end = System.nanoTime();
    reader.join(TimeUnit.SECONDS.toMillis(10));
    double up = upAt[0] < 0 ? -1 : (upAt[0] - start) / 1e9;
    return new Result(
        process.exitValue(),
        up,
        syncedMs[0] < 0 ? -1 : syncedMs[0] / 1000.0,
        (end - start) / 1e9,
        peakRss,
        cpuTicks / (double) CLOCK_TICKS_PER_SECOND,
        List.copyOf(output));
  }

  /** {@code VmHWM}, the kernel's own high-water mark of resident memory, in bytes. */
  static long peakRss(Path proc) {
    try {
      for (String line : Files.readAllLines(proc.resolve("status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | RuntimeException gone) {
      // The process ended between two samples: keep the last reading.
    }
    return 0;
  }

  /** User plus system time of the process and its threads, in clock ticks. */
  static long cpuTicks(Path proc) {
    try {
      String stat = Files.readString(proc.resolve("stat"));
      // Fields after the command name, which is in parentheses and may hold spaces.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    } catch (IOException | RuntimeException gone) {
      return 0;
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** A free port whose successor is free too: the embedded broker's controller takes it. */
  static int freePortPair() throws IOException {
    for (int attempt = 0; attempt < 50; attempt++) {
      int p = freePort();
      try (ServerSocket next = new ServerSocket(p + 1, 1, InetAddress.getLoopbackAddress())) {
        return p;
      } catch (IOException taken) {
        // try another
      }
    }
    throw new IOException("no two consecutive free ports on loopback");
  }
}
