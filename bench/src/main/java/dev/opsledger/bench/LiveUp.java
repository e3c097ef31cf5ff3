package dev.opsledger.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * One {@code opsledger up} left running (not {@code --exit-when-synced}) through the real launcher,
 * on free loopback ports, with the git-watcher's generic push webhook enabled under a random secret
 * (through the environment, as a deployment would pass it: {@code up} has no flag for it). The
 * bench drives it from outside: commits and signed webhooks, live edits through its kubeconfig,
 * {@code /proc} for its CPU time, its Prometheus endpoint for what its services did.
 */
final class LiveUp implements AutoCloseable {

  /** The one source {@code up} configures. */
  static final String SOURCE = "demo";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final Process process;
  private final Path dataDir;
  private final Path repo;
  private final int httpPort;
  private final byte[] secret;
  private final List<String> output = new ArrayList<>();
  private final CountDownLatch up = new CountDownLatch(1);
  private volatile double upSeconds = -1;

  private LiveUp(Process process, Path dataDir, Path repo, int httpPort, byte[] secret) {
    this.process = process;
    this.dataDir = dataDir;
    this.repo = repo;
    this.httpPort = httpPort;
    this.secret = secret;
  }

  /**
   * Starts it and waits for {@code OpsLedger is up}.
   *
   * @param extraEnv service properties from the environment (e.g. the collector's resync interval)
   */
  static LiveUp start(
      Path root,
      Path repo,
      Path dataDir,
      String javaOpts,
      String pollInterval,
      Map<String, String> extraEnv,
      long timeoutSeconds)
      throws IOException, InterruptedException {
    int httpPort = UpRun.freePort();
    List<String> command =
        List.of(
            root.resolve("opsledger").toString(),
            "up",
            "--repo",
            repo.toString(),
            "--data-dir",
            dataDir.toString(),
            "--status-interval",
            "0",
            "--poll-interval",
            pollInterval,
            "--kafka-port",
            Integer.toString(UpRun.freePortPair()),
            "--kube-port",
            Integer.toString(UpRun.freePort()),
            "--http-port",
            Integer.toString(httpPort),
            "--audit-port",
            Integer.toString(UpRun.freePort()),
            "--management-port",
            Integer.toString(UpRun.freePort()));
    ProcessBuilder pb = UpRun.processFor(command, root, dataDir, javaOpts);
    Map<String, String> env = pb.environment();
    byte[] secret = new byte[24];
    new SecureRandom().nextBytes(secret);
    String secretText = HexFormat.of().formatHex(secret);
    env.put("OPSLEDGER_GITWATCHER_WEBHOOKS_GENERIC_ENABLED", "true");
    env.put("OPSLEDGER_GITWATCHER_WEBHOOKS_GENERIC_SECRET", secretText);
    env.putAll(extraEnv);
    long start = System.nanoTime();
    LiveUp live =
        new LiveUp(
            pb.start(), dataDir, repo, httpPort, secretText.getBytes(StandardCharsets.UTF_8));
    live.readOutput(start);
    if (!live.up.await(timeoutSeconds, TimeUnit.SECONDS) || !live.process.isAlive()) {
      String last = String.join("\n", live.lastLines(30));
      live.close();
      throw new IOException("opsledger up did not come up; its last lines:\n" + last);
    }
    return live;
  }

  private void readOutput(long start) {
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
                  if (line.startsWith("OpsLedger is up")) {
                    upSeconds = (System.nanoTime() - start) / 1e9;
                    up.countDown();
                  }
                }
              } catch (IOException ended) {
                // The process is gone; what it wrote is kept.
              } finally {
                up.countDown();
              }
            },
            "live-up-output");
    reader.setDaemon(true);
    reader.start();
  }

  double upSeconds() {
    return upSeconds;
  }

  long pid() {
    return process.pid();
  }

  Path dataDir() {
    return dataDir;
  }

  /** The embedded broker's address, from {@code instance.json}. */
  String bootstrapServers() throws IOException {
    return instance().get("bootstrapServers").asText();
  }

  /** The emulator's kubeconfig, from {@code instance.json}. */
  Path kubeconfig() throws IOException {
    return Path.of(instance().get("kubeconfig").asText());
  }

  private JsonNode instance() throws IOException {
    return JSON.readTree(dataDir.resolve("instance.json").toFile());
  }

  /** User plus system CPU seconds of the JVM so far. */
  double cpuSeconds() {
    return UpRun.cpuTicks(Path.of("/proc", Long.toString(process.pid())))
        / (double) UpRun.CLOCK_TICKS_PER_SECOND;
  }

  /** {@code VmHWM} so far, in bytes. */
  long peakRssBytes() {
    return UpRun.peakRss(Path.of("/proc", Long.toString(process.pid())));
  }

  /**
   * A generic push of {@code main} for the repository, signed with the receiver's secret, as a Git
   * host sends it. Returns the HTTP status (202: a fetch was triggered).
   */
  int pushWebhook() throws IOException, InterruptedException {
    byte[] body =
        JSON.writeValueAsBytes(Map.of("repository", repo.toString(), "ref", "refs/heads/main"));
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(
                    "http://127.0.0.1:"
                        + httpPort
                        + "/webhooks/git-watcher/generic?source="
                        + SOURCE))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .header("X-OpsLedger-Signature", "sha256=" + hmac(body))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private String hmac(byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  /**
   * The sum over all label sets of each named series on the services' Prometheus endpoint (names as
   * scraped, e.g. {@code opsledger_gitwatcher_cycles_total}); a series not scraped counts 0.
   */
  Map<String, Double> scrape(List<String> names) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/actuator/prometheus"))
            .timeout(Duration.ofSeconds(30))
            .GET()
            .build();
    String body = HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body();
    Map<String, Double> sums = new java.util.LinkedHashMap<>();
    names.forEach(n -> sums.put(n, 0.0));
    for (String line : body.split("\n")) {
      if (line.startsWith("#")) {
        continue;
      }
      for (String name : names) {
        if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
          String value = line.substring(line.lastIndexOf(' ') + 1);
          sums.merge(name, Double.parseDouble(value), Double::sum);
        }
      }
    }
    return sums;
  }

  /** What a command of the launcher said, and its exit code. */
  record CliRun(int exitCode, String output) {}

  /** Runs another command of the same launcher against this instance's data directory. */
  CliRun runCli(Path root, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(root.resolve("opsledger").toString()));
    command.addAll(List.of(args));
    command.addAll(List.of("--data-dir", dataDir.toString()));
    Process p =
        new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true).start();
    String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    return new CliRun(p.waitFor(), said);
  }

  List<String> lastLines(int n) {
    synchronized (output) {
      return List.copyOf(output.subList(Math.max(0, output.size() - n), output.size()));
    }
  }

  /** Stops it as Ctrl-C would (SIGTERM: its shutdown hook stops every part in order). */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }
}
