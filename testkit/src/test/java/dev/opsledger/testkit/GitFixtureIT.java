package dev.opsledger.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitFixtureIT {

  @TempDir Path dir;

  @Test
  void pushesCommitsWithTheGivenAuthorTimeAndFilesToBranchMain() throws Exception {
    Instant when = Instant.parse("2026-01-02T03:04:05Z");
    try (GitFixture git = GitFixture.create(dir)) {
      String first =
          git.commit("add app")
              .author("Ada Lovelace", "ada@example.com")
              .at(when)
              .write("apps/app.yaml", "kind: ConfigMap\n")
              .push();
      String second = git.commit("remove app").delete("apps/app.yaml").push();

      try (Git clone =
          Git.cloneRepository()
              .setURI(git.remoteUrl())
              .setDirectory(dir.resolve("check").toFile())
              .setBranch(GitFixture.BRANCH)
              .call()) {
        var repo = clone.getRepository();
        assertThat(repo.resolve("refs/heads/main").name()).isEqualTo(second);
        RevCommit c = repo.parseCommit(repo.resolve(first));
        assertThat(c.getAuthorIdent().getName()).isEqualTo("Ada Lovelace");
        assertThat(c.getAuthorIdent().getWhenAsInstant()).isEqualTo(when);
        assertThat(dir.resolve("check/apps/app.yaml")).doesNotExist();
      }
    }
  }

  @Test
  void forcePushRewritesTheRemoteBranch() throws Exception {
    try (GitFixture git = GitFixture.create(dir)) {
      String base = git.commit("base").write("a.yaml", "a: 1\n").push();
      git.commit("to be dropped").write("b.yaml", "b: 1\n").push();

      git.resetAndForcePush(base);

      try (Git remote = Git.open(git.remoteDir().toFile())) {
        assertThat(remote.getRepository().resolve("refs/heads/main").name()).isEqualTo(base);
      }
    }
  }

  @Test
  void revertUndoesACommitAsANewCommit() throws Exception {
    try (GitFixture git = GitFixture.create(dir)) {
      git.commit("base").write("a.yaml", "a: 1\n").push();
      String change = git.commit("change").write("a.yaml", "a: 2\n").push();

      String revert = git.revertAndPush(change, "Rita", "rita@example.com");

      assertThat(revert).isNotEqualTo(change);
      assertThat(git.workDir().resolve("a.yaml")).hasContent("a: 1");
      assertThat(git.head()).isEqualTo(revert);
    }
  }
}
