package dev.opsledger.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.URIish;

/**
 * The demo Git repository of {@code opsledger up}: a bare repository (what OpsLedger watches) and a
 * working clone (where the user edits and commits), made once from the examples in the jar and kept
 * across restarts.
 *
 * @param remote the bare repository
 * @param work the working clone
 */
public record DemoRepository(Path remote, Path work) {

  /** The branch of the demo repository. */
  public static final String BRANCH = "main";

  /** Creates the demo repository under {@code dir} unless it exists. */
  public static DemoRepository createIfAbsent(Path dir) {
    Path remote = dir.resolve("remote.git");
    Path work = dir.resolve("work");
    DemoRepository repo = new DemoRepository(remote, work);
    if (Files.exists(remote.resolve("HEAD"))) {
      return repo;
    }
    try {
      Git.init()
          .setBare(true)
          .setInitialBranch(BRANCH)
          .setDirectory(remote.toFile())
          .call()
          .close();
      try (Git git = Git.init().setInitialBranch(BRANCH).setDirectory(work.toFile()).call()) {
        git.remoteAdd().setName("origin").setUri(new URIish(remote.toUri().toString())).call();
        for (String file : files()) {
          Path target = work.resolve(file);
          Files.createDirectories(target.getParent());
          try (InputStream in = DemoRepository.class.getResourceAsStream("/demo/" + file)) {
            if (in == null) {
              throw new IllegalStateException("the demo file " + file + " is missing from the jar");
            }
            Files.copy(in, target);
          }
          git.add().addFilepattern(file).call();
        }
        PersonIdent who = new PersonIdent("OpsLedger Demo", "demo@opsledger.dev");
        git.commit()
            .setMessage("Demo: a web shop")
            .setAuthor(who)
            .setCommitter(who)
            .setSign(false)
            .call();
        git.push()
            .setRemote("origin")
            .setRefSpecs(new RefSpec("refs/heads/main:refs/heads/main"))
            .call();
      }
      return repo;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the demo repository in " + dir, e);
    } catch (GitAPIException | URISyntaxException e) {
      throw new IllegalStateException("cannot create the demo repository in " + dir, e);
    }
  }

  /** The {@code file://} URL OpsLedger watches. */
  public String url() {
    return remote.toUri().toString();
  }

  private static List<String> files() throws IOException {
    try (InputStream in = DemoRepository.class.getResourceAsStream("/demo-files.txt")) {
      if (in == null) {
        throw new IllegalStateException("demo-files.txt is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .lines()
          .map(String::trim)
          .filter(l -> !l.isEmpty())
          .toList();
    }
  }
}
