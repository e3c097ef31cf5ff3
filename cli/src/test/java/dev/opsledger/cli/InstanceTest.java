package dev.opsledger.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A second terminal finds the instance that {@code up --data-dir} started elsewhere. */
class InstanceTest {

  @TempDir Path configHome;
  @TempDir Path elsewhere;
  private String previous;
  private final PrintStream stderr = System.err;
  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

  @BeforeEach
  void privateConfigHome() {
    previous = System.getProperty("opsledger.config-home");
    System.setProperty("opsledger.config-home", configHome.toString());
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restore() {
    System.setErr(stderr);
    if (previous == null) {
      System.clearProperty("opsledger.config-home");
    } else {
      System.setProperty("opsledger.config-home", previous);
    }
  }

  private static Instance running(String bootstrap) {
    return new Instance(bootstrap, null, null, null, ProcessHandle.current().pid(), Instant.now());
  }

  @Test
  void aCommandWithoutDataDirTalksToTheInstanceStartedElsewhereAndSaysSo() throws Exception {
    assertThat(Files.exists(Path.of(Instance.DEFAULT_DATA_DIR, Instance.FILE))).isFalse();
    running("127.0.0.1:39092").write(elsewhere);

    assertThat(Instance.bootstrapServers(null, Path.of(Instance.DEFAULT_DATA_DIR)))
        .isEqualTo("127.0.0.1:39092");
    assertThat(captured.toString(StandardCharsets.UTF_8))
        .contains("Using the OpsLedger instance in " + elsewhere.toAbsolutePath().normalize());
  }

  @Test
  void anExplicitDataDirNeverFallsBackToTheRememberedInstance(@TempDir Path empty)
      throws Exception {
    running("127.0.0.1:39093").write(elsewhere);

    assertThatThrownBy(() -> Instance.bootstrapServers(null, empty))
        .isInstanceOf(CliException.class)
        .hasMessageContaining("no running OpsLedger found in " + empty.toAbsolutePath());
  }

  @Test
  void aStoppedInstanceIsForgotten() throws Exception {
    running("127.0.0.1:39094").write(elsewhere);
    Instance.remove(elsewhere);

    assertThatThrownBy(() -> Instance.bootstrapServers(null, Path.of(Instance.DEFAULT_DATA_DIR)))
        .isInstanceOf(CliException.class)
        .hasMessageContaining("no running OpsLedger found");
    assertThat(Files.exists(Instance.pointerFile())).isFalse();
  }

  @Test
  void theLastStartedInstanceWins(@TempDir Path second) throws Exception {
    running("127.0.0.1:39095").write(elsewhere);
    running("127.0.0.1:39096").write(second);

    assertThat(Instance.bootstrapServers(null, Path.of(Instance.DEFAULT_DATA_DIR)))
        .isEqualTo("127.0.0.1:39096");
  }
}
