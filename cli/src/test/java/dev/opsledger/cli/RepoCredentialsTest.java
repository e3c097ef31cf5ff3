package dev.opsledger.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RepoCredentialsTest {

  private static final String AUTH = "opsledger.git-watcher.sources[0].auth.";

  @TempDir Path dir;

  @Test
  void aRepoUrlWithCredentialsIsRefusedWithoutPrintingThemAndWithWhereToPutThem() {
    for (String url :
        new String[] {
          "https://ada:hunter2@github.com/o/r.git",
          "https://ghp_hunter2@github.com/o/r.git",
          "https://ada:p@ss@hunter2@github.com/o/r.git",
          "ssh://git:hunter2@host/o/r.git"
        }) {
      assertThatThrownBy(() -> RepoCredentials.refuseInUrl(url))
          .as(url)
          .isInstanceOfSatisfying(
              CliException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCodes.USAGE))
          .hasMessageNotContaining("hunter2")
          .hasMessageContaining("OPSLEDGER_GIT_TOKEN")
          .hasMessageContaining("--git-credentials-file");
    }
    assertThatNoException()
        .isThrownBy(() -> RepoCredentials.refuseInUrl("https://github.com/o/r.git"));
    assertThatNoException().isThrownBy(() -> RepoCredentials.refuseInUrl("ssh://git@host/o/r"));
    assertThatNoException().isThrownBy(() -> RepoCredentials.refuseInUrl("/tmp/repo"));
  }

  @Test
  void credentialsComeFromTheEnvironmentOrAGitCredentialStoreFile() throws Exception {
    String repo = "https://github.com/o/r.git";
    assertThat(
            RepoCredentials.properties(
                repo, Map.of("OPSLEDGER_GIT_TOKEN", "tok", "OPSLEDGER_GIT_USERNAME", "ada"), null))
        .containsEntry(AUTH + "token", "tok")
        .containsEntry(AUTH + "username", "ada");

    Path file = dir.resolve("credentials");
    Files.writeString(
        file,
        "https://bob:other@gitlab.com\n"
            + "https://ada:s3cr%40t@github.com/o\n"
            + "https://eve:wrong@github.com/x\n");
    assertThat(RepoCredentials.properties(repo, Map.of(), file))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(AUTH + "username", "ada", AUTH + "password", "s3cr@t"));
    assertThat(RepoCredentials.properties("https://example.org/r.git", Map.of(), file)).isEmpty();
    assertThat(RepoCredentials.properties("/tmp/local", Map.of("OPSLEDGER_GIT_TOKEN", "t"), file))
        .isEmpty();
  }
}
