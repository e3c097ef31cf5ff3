package dev.opsledger.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.ResetCommand;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.URIish;

/**
 * A real Git repository for tests: a bare remote (what OpsLedger watches) and a working clone that
 * commits and pushes to it on branch {@code main}.
 *
 * <pre>{@code
 * GitFixture git = GitFixture.create(tempDir);
 * String sha = git.commit("add app").author("Ada", "ada@example.com")
 *     .write("apps/app.yaml", yaml).push();
 * String url = git.remoteUrl();
 * }</pre>
 */
public final class GitFixture implements AutoCloseable {

  /** The branch every fixture uses; JGit's own default is {@code master}. */
  public static final String BRANCH = "main";

  private final Path remoteDir;
  private final Path workDir;
  private final Git work;

  private GitFixture(Path remoteDir, Path workDir, Git work) {
    this.remoteDir = remoteDir;
    this.workDir = workDir;
    this.work = work;
  }

  /** A new bare remote under {@code dir/remote.git} and a working clone under {@code dir/work}. */
  public static GitFixture create(Path dir) {
    try {
      Path remote = dir.resolve("remote.git");
      Path workDir = dir.resolve("work");
      Git.init()
          .setBare(true)
          .setInitialBranch(BRANCH)
          .setDirectory(remote.toFile())
          .call()
          .close();
      Git work = Git.init().setInitialBranch(BRANCH).setDirectory(workDir.toFile()).call();
      work.remoteAdd().setName("origin").setUri(new URIish(remote.toUri().toString())).call();
      return new GitFixture(remote, workDir, work);
    } catch (GitAPIException | URISyntaxException e) {
      throw new IllegalStateException("cannot create a Git fixture in " + dir, e);
    }
  }

  /** The {@code file://} URL of the bare remote. */
  public String remoteUrl() {
    return remoteDir.toUri().toString();
  }

  /** The bare remote's directory. */
  public Path remoteDir() {
    return remoteDir;
  }

  /** The working clone's directory. */
  public Path workDir() {
    return workDir;
  }

  /** The JGit handle of the working clone, for what the builder does not cover. */
  public Git git() {
    return work;
  }

  /** Starts a commit with this message; nothing happens until {@link CommitBuilder#push()}. */
  public CommitBuilder commit(String message) {
    return new CommitBuilder(message);
  }

  /** The SHA of the working clone's {@code main}, or {@code null} before the first commit. */
  public String head() {
    try {
      var id = work.getRepository().resolve("refs/heads/" + BRANCH);
      return id == null ? null : id.name();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Rewrites history: resets {@code main} to {@code sha} and force-pushes it, as a force-push after
   * a rebase or reset would.
   */
  public void resetAndForcePush(String sha) {
    try {
      work.reset().setMode(ResetCommand.ResetType.HARD).setRef(sha).call();
      work.push()
          .setRemote("origin")
          .setRefSpecs(new RefSpec("+refs/heads/" + BRANCH + ":refs/heads/" + BRANCH))
          .setForce(true)
          .call();
    } catch (GitAPIException e) {
      throw new IllegalStateException("cannot force-push " + sha, e);
    }
  }

  /** {@code git revert sha} on {@code main}, pushed; returns the revert commit's SHA. */
  public String revertAndPush(String sha, String authorName, String authorEmail) {
    try {
      RevCommit reverted = work.revert().include(work.getRepository().resolve(sha)).call();
      if (reverted == null) {
        throw new IllegalStateException("revert of " + sha + " did not apply cleanly");
      }
      // JGit's revert uses the configured identity; amend to the given author for the audit.
      PersonIdent who = new PersonIdent(authorName, authorEmail);
      RevCommit amended =
          work.commit()
              .setAmend(true)
              .setAuthor(who)
              .setCommitter(who)
              .setSign(false)
              .setMessage(reverted.getFullMessage())
              .call();
      pushMain();
      return amended.name();
    } catch (GitAPIException | IOException e) {
      throw new IllegalStateException("cannot revert " + sha, e);
    }
  }

  @Override
  public void close() {
    work.close();
  }

  private void pushMain() throws GitAPIException {
    work.push()
        .setRemote("origin")
        .setRefSpecs(new RefSpec("refs/heads/" + BRANCH + ":refs/heads/" + BRANCH))
        .call();
  }

  /** One commit: files to write and delete, author and time, then {@link #push()}. */
  public final class CommitBuilder {
    private final String message;
    private final Map<String, byte[]> writes = new LinkedHashMap<>();
    private final List<String> deletes = new ArrayList<>();
    private String authorName = "Test Author";
    private String authorEmail = "author@example.com";
    private String committerName;
    private String committerEmail;
    private Instant when = Instant.now();

    private CommitBuilder(String message) {
      this.message = message;
    }

    /** The author (and committer, unless {@link #committer} is given). */
    public CommitBuilder author(String name, String email) {
      this.authorName = name;
      this.authorEmail = email;
      return this;
    }

    /** A committer other than the author. */
    public CommitBuilder committer(String name, String email) {
      this.committerName = name;
      this.committerEmail = email;
      return this;
    }

    /** The author and commit time. */
    public CommitBuilder at(Instant time) {
      this.when = time;
      return this;
    }

    /** Writes a UTF-8 text file (path relative to the repository root). */
    public CommitBuilder write(String path, String content) {
      return write(path, content.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes a file with these bytes. */
    public CommitBuilder write(String path, byte[] content) {
      writes.put(path, content);
      return this;
    }

    /** Deletes a file. */
    public CommitBuilder delete(String path) {
      deletes.add(path);
      return this;
    }

    /** Commits without pushing; returns the SHA. */
    public String commitOnly() {
      try {
        for (var e : writes.entrySet()) {
          Path file = workDir.resolve(e.getKey());
          Files.createDirectories(file.getParent());
          Files.write(file, e.getValue());
          work.add().addFilepattern(e.getKey()).call();
        }
        for (String path : deletes) {
          Files.deleteIfExists(workDir.resolve(path));
          work.rm().addFilepattern(path).call();
        }
        TimeZone utc = TimeZone.getTimeZone(ZoneOffset.UTC);
        PersonIdent author = new PersonIdent(authorName, authorEmail, Date.from(when), utc);
        PersonIdent committer =
            committerName == null
                ? author
                : new PersonIdent(committerName, committerEmail, Date.from(when), utc);
        RevCommit c =
            work.commit()
                .setMessage(message)
                .setAuthor(author)
                .setCommitter(committer)
                .setSign(false)
                .setAllowEmpty(true)
                .call();
        return c.name();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (GitAPIException e) {
        throw new IllegalStateException("cannot commit '" + message + "'", e);
      }
    }

    /**
     * Commits on top of the local {@code main} without moving it, and force-pushes the commit to
     * {@code ref} (e.g. {@code refs/pull/7/head}), as a Git host publishes a pull request's head;
     * returns the SHA.
     */
    public String pushTo(String ref) {
      try {
        String base = work.getRepository().resolve("refs/heads/" + BRANCH).name();
        String sha = commitOnly();
        work.push().setRemote("origin").setRefSpecs(new RefSpec("+" + sha + ":" + ref)).call();
        work.reset().setMode(org.eclipse.jgit.api.ResetCommand.ResetType.HARD).setRef(base).call();
        return sha;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (GitAPIException e) {
        throw new IllegalStateException("cannot push to " + ref, e);
      }
    }

    /** Commits and pushes {@code main} to the remote; returns the SHA. */
    public String push() {
      String sha = commitOnly();
      try {
        pushMain();
      } catch (GitAPIException e) {
        throw new IllegalStateException("cannot push " + sha, e);
      }
      return sha;
    }
  }
}
