package dev.opsledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code up}'s API token: generated once, kept, readable by its owner only. */
class ApiTokenTest {

  @TempDir Path dataDir;

  @Test
  void isGeneratedOnceWithMode0600AndKeptAcrossStarts() throws Exception {
    String first = ApiToken.createIfAbsent(dataDir);
    String second = ApiToken.createIfAbsent(dataDir);

    Path file = dataDir.resolve(ApiToken.FILE);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(first).hasSizeGreaterThanOrEqualTo(40).isEqualTo(second);
    assertThat(ApiToken.read(dataDir)).isEqualTo(first);
    assertThat(ApiToken.createIfAbsent(Files.createDirectories(dataDir.resolve("other"))))
        .isNotEqualTo(first);
  }

  @Test
  void aTokenFileOthersCanReadIsMadeTheOwnersOnly() throws Exception {
    Path file = dataDir.resolve(ApiToken.FILE);
    Files.writeString(file, "a-token-someone-wrote-by-hand\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

    assertThat(ApiToken.createIfAbsent(dataDir)).isEqualTo("a-token-someone-wrote-by-hand");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
  }

  @Test
  void noTokenFileMeansNoToken() throws Exception {
    assertThat(ApiToken.read(dataDir)).isNull();
  }
}
