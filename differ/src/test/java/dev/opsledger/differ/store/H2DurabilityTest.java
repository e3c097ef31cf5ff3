package dev.opsledger.differ.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the differ commits to its default H2 store is on disk when the commit returns, so a {@code
 * kill -9} right after it loses nothing. The differ commits its Kafka offsets after its store: a
 * commit that only reached H2's write buffer (its default write delay is half a second) was lost
 * with the process while the offset stayed committed, and the desired state it held was never seen
 * again (the crash campaign's run 14 of 2026-11-30: two resources stuck at the old revision).
 */
class H2DurabilityTest {

  private static final int ROWS = 50;

  @TempDir Path dir;

  @Test
  void rowsCommittedThroughTheDefaultUrlSurviveAProcessHaltedRightAfterTheCommit()
      throws Exception {
    String url = defaultUrl(dir);
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Halting.class.getName(),
                url)
            .inheritIO()
            .start();
    assertThat(child.waitFor(2, TimeUnit.MINUTES)).as("the child halted").isTrue();
    assertThat(child.exitValue()).as("halted after its commits").isEqualTo(9);

    try (Connection c = DriverManager.getConnection(url);
        ResultSet r = c.createStatement().executeQuery("select count(*) from committed_rows")) {
      r.next();
      assertThat(r.getInt(1)).isEqualTo(ROWS);
    }
  }

  /** The differ's default datasource URL, with its data directory in {@code dataDir}. */
  static String defaultUrl(Path dataDir) {
    Properties p = new Properties();
    try (InputStream in =
        H2DurabilityTest.class.getResourceAsStream("/opsledger-differ.properties")) {
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p.getProperty("spring.datasource.url")
        .replace("${opsledger.differ.data-dir:./.opsledger/differ}", dataDir.toString());
  }

  /** Commits rows one transaction at a time, then halts as {@code kill -9} would. */
  public static final class Halting {
    public static void main(String[] args) throws SQLException {
      Connection c = DriverManager.getConnection(args[0]);
      c.createStatement().execute("create table committed_rows(i int)");
      for (int i = 0; i < ROWS; i++) {
        c.createStatement().execute("insert into committed_rows values(" + i + ")");
      }
      Runtime.getRuntime().halt(9);
    }
  }
}
