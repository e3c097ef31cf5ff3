package dev.opsledger.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CanaryScanTest {

  @TempDir Path dir;

  @Test
  void findsACanaryPlainBase64AndJsonEscapedInTextsAndFilesAndSaysWhere() throws Exception {
    String canary = "pa\"ss<ᚠ>";
    Files.createDirectories(dir.resolve("logs"));
    Files.writeString(dir.resolve("logs/app.log"), "x {\"pw\":\"pa\\\"ss\\u003cᚠ\\u003e\"}");
    CanaryScan scan =
        CanaryScan.of(List.of(canary))
            .text("plain", "value " + canary)
            .text(
                "base64",
                Base64.getEncoder().encodeToString(canary.getBytes(StandardCharsets.UTF_8)))
            .text("jackson", "{\"pw\":\"pa\\\"ss<ᚠ>\"}")
            .text("clean", "nothing here")
            .file(dir);

    assertThat(scan.hits())
        .containsExactly(
            "plain: canary #1",
            "base64: base64 of #1",
            "jackson: JSON-escaped #1",
            "file " + dir.resolve("logs/app.log") + ": Go-JSON-escaped #1");
    assertThatThrownBy(scan::assertClean)
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("4 places");
  }

  @Test
  void aOneLetterCanaryOfARareScriptIsLongEnoughAndALatinLetterIsRefused() {
    CanaryScan scan = CanaryScan.of(List.of("𓂀")).text("echo", "Invalid value: \"𓂀\"");
    assertThat(scan.hits()).containsExactly("echo: canary #1");

    assertThatThrownBy(() -> CanaryScan.of(List.of("a")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("occur nowhere by chance");
  }
}
