package dev.opsledger.cli;

import static dev.opsledger.testkit.TestAwait.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.testkit.SharedKafka;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./opsledger} launcher script, run as a user runs it, in a copy of the checkout's
 * layout. The Maven wrapper there is a recording stand-in ({@code mvnw} below): it appends a line
 * to {@code builds.log} and "builds" by copying the CLI jar this module just packaged, so the test
 * can count builds in seconds instead of minutes.
 */
class LauncherScriptIT {

  private static final Path SCRIPT = Path.of("..", "opsledger").toAbsolutePath().normalize();
  private static final Path BUILT_JAR = Path.of("target", "opsledger.jar").toAbsolutePath();

  @TempDir Path checkout;
  @TempDir Path configHome;
  private Path source;

  @BeforeEach
  void aCheckoutWithARunningDefaultInstance() throws Exception {
    Files.copy(SCRIPT, checkout.resolve("opsledger"));
    executable(checkout.resolve("opsledger"));
    Files.writeString(
        checkout.resolve("mvnw"),
        """
        #!/usr/bin/env bash
        # Recording stand-in for the Maven wrapper.
        here="$(cd "$(dirname "$0")" && pwd)"
        echo "build $*" >> "$here/builds.log"
        if [ -n "${BUILD_GATE:-}" ]; then read -r _ < "$BUILD_GATE"; fi
        mkdir -p "$here/cli/target"
        cp "$REAL_JAR" "$here/cli/target/opsledger.jar"
        """);
    executable(checkout.resolve("mvnw"));
    Files.writeString(checkout.resolve("pom.xml"), "<project/>\n");
    source = checkout.resolve("cli/src/main/java/Example.java");
    Files.createDirectories(source.getParent());
    Files.writeString(source, "class Example {}\n");
    Instant past = Instant.now().minusSeconds(3600);
    Files.setLastModifiedTime(source, FileTime.from(past));
    Files.setLastModifiedTime(checkout.resolve("pom.xml"), FileTime.from(past));
    new Instance(
            SharedKafka.bootstrapServers(), null, null, null, ProcessHandle.current().pid(), past)
        .write(checkout.resolve(".opsledger"));
  }

  @Test
  void statusRunTwiceBuildsOnceEvenThoughTheBrokerWroteItsMetaPropertiesAfterTheBuild()
      throws Exception {
    Result first = opsledger(Map.of(), "status");
    assertThat(first.exit()).as(first.output()).isZero();
    assertThat(builds()).hasSize(1);
    assertThat(first.output()).contains("Building the opsledger CLI");

    Path meta = checkout.resolve(".opsledger/kafka/kafka-logs/meta.properties");
    Files.createDirectories(meta.getParent());
    Files.writeString(meta, "version=1\n");
    Files.setLastModifiedTime(meta, FileTime.from(Instant.now().plusSeconds(60)));

    Result second = opsledger(Map.of(), "status");
    assertThat(second.exit()).as(second.output()).isZero();
    assertThat(builds()).as("no build the second time").hasSize(1);
    assertThat(second.output()).doesNotContain("Building");
  }

  @Test
  void aChangedSourceRebuildsWithoutTouchingTheJarARunningProcessUses() throws Exception {
    assertThat(opsledger(Map.of(), "--version").exit()).isZero();
    Path launched = launched();
    Object inode = Files.getAttribute(launched, "unix:ino");

    Files.setLastModifiedTime(source, FileTime.from(Instant.now().plusSeconds(60)));
    Result rebuilt = opsledger(Map.of(), "--version");

    assertThat(rebuilt.exit()).as(rebuilt.output()).isZero();
    assertThat(builds()).hasSize(2);
    assertThat(launched()).isNotEqualTo(launched);
    assertThat(Files.getAttribute(launched, "unix:ino"))
        .as("the copy the first run used is neither rewritten nor replaced")
        .isEqualTo(inode);
  }

  @Test
  void itRunsTheExtractedLayoutAndKeepsACopyARunningProcessWasStartedFrom() throws Exception {
    assertThat(opsledger(Map.of(), "--version").exit()).isZero();
    Path first = launched();
    assertThat(first.getFileName()).hasToString("opsledger.jar");
    assertThat(first.resolveSibling("lib"))
        .as("the jar's libraries on a plain class path, not nested")
        .isDirectoryContaining(lib -> lib.getFileName().toString().startsWith("spring-core-"));
    Process user = new ProcessBuilder("bash", "-c", "sleep 600; true", first.toString()).start();
    try {
      rebuild();
      rebuild();
      assertThat(builds()).hasSize(3);
      assertThat(first.getParent()).as("the copy a process runs from stays").isDirectory();

      user.destroy();
      user.waitFor();
      rebuild();
      assertThat(first.getParent()).as("once nothing runs from it, it goes").doesNotExist();
      assertThat(launched()).isRegularFile();
    } finally {
      user.destroyForcibly();
    }
  }

  private void rebuild() throws Exception {
    Files.setLastModifiedTime(
        source, FileTime.from(Instant.now().plusSeconds(60 + builds().size())));
    Result r = opsledger(Map.of(), "--version");
    assertThat(r.exit()).as(r.output()).isZero();
  }

  @Test
  void concurrentInvocationsWaitForOneBuild() throws Exception {
    Path gate = checkout.resolve("gate");
    assertThat(new ProcessBuilder("mkfifo", gate.toString()).start().waitFor()).isZero();
    Map<String, String> env = Map.of("BUILD_GATE", gate.toString());
    Process first = start(env, "--version");
    await("the first invocation builds").until(() -> builds().size() == 1);
    Process second = start(env, "--version");
    await("the second invocation waits for that build")
        .until(() -> Files.readString(log(second)).contains("Waiting for another opsledger build"));

    try (OutputStream open = Files.newOutputStream(gate)) {
      open.write("go\n".getBytes(StandardCharsets.UTF_8));
    }

    assertThat(first.waitFor()).isZero();
    assertThat(second.waitFor()).isZero();
    assertThat(builds()).hasSize(1);
    assertThat(Files.readString(log(second))).contains("opsledger 0.1.0");
  }

  private record Result(int exit, String output) {}

  private Result opsledger(Map<String, String> env, String... args) throws Exception {
    Process p = start(env, args);
    int exit = p.waitFor();
    return new Result(exit, Files.readString(log(p)));
  }

  private Process start(Map<String, String> env, String... args) throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder(
            concat(List.of(checkout.resolve("opsledger").toString()), List.of(args)));
    pb.directory(checkout.toFile());
    pb.environment().put("REAL_JAR", BUILT_JAR.toString());
    pb.environment().put("OPSLEDGER_JAVA_OPTS", "-Dopsledger.config-home=" + configHome);
    pb.environment().putAll(env);
    pb.redirectErrorStream(true);
    Path out = Files.createTempFile(checkout, "run-", ".log");
    pb.redirectOutput(out.toFile());
    Process p = pb.start();
    logs.put(p, out);
    return p;
  }

  private final Map<Process, Path> logs = new java.util.concurrent.ConcurrentHashMap<>();

  private Path log(Process p) {
    return logs.get(p);
  }

  private List<String> builds() throws IOException {
    Path log = checkout.resolve("builds.log");
    return Files.exists(log) ? Files.readAllLines(log) : List.of();
  }

  private Path launched() throws IOException {
    Path launch = checkout.resolve("cli/target/launch");
    return launch.resolve(Files.readString(launch.resolve("current")).strip());
  }

  private static List<String> concat(List<String> a, List<String> b) {
    return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
  }

  private static void executable(Path file) throws IOException {
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }
}
