package dev.opsledger.gitwatcher.git;

import dev.opsledger.events.Person;
import dev.opsledger.gitwatcher.manifest.DocumentReader;
import dev.opsledger.gitwatcher.manifest.RevisionScan;
import dev.opsledger.gitwatcher.source.RenderSettings;
import dev.opsledger.gitwatcher.source.SourceSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.eclipse.jgit.api.FetchCommand;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.diff.DiffEntry;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevTree;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.treewalk.EmptyTreeIterator;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.PathFilter;
import org.eclipse.jgit.treewalk.filter.TreeFilter;
import org.eclipse.jgit.util.FileUtils;

/**
 * One source's bare clone in the cache directory. Not thread-safe: the scheduler runs one cycle per
 * source at a time.
 */
public final class GitMirror implements AutoCloseable {

  /** The longest symlink target read, in bytes: Linux's PATH_MAX. */
  static final long MAX_SYMLINK_BYTES = 4096;

  /** The file names Kustomize reads as a kustomization. */
  private static final Set<String> KUSTOMIZATION_FILES =
      Set.of("kustomization.yaml", "kustomization.yml", "Kustomization");

  private final SourceSettings source;
  private final Path dir;
  private final GitCredentials credentials;
  private Git git;

  /**
   * A mirror of a source under {@code cacheDir/<source id>}.
   *
   * @param source the source
   * @param cacheDir the cache directory
   */
  public GitMirror(SourceSettings source, Path cacheDir) {
    this.source = source;
    this.dir = cacheDir.resolve(source.id() + ".git");
    this.credentials = new GitCredentials(source);
  }

  /**
   * Fetches the tracked branch (creating the clone on first use) and returns its head.
   *
   * @return the head commit id, or {@code null} when the remote has no such branch (yet)
   * @throws GitAccessException when the repository cannot be reached or read
   */
  public String fetch() {
    try {
      Git g = open();
      String ref = Constants.R_HEADS + source.branch();
      FetchCommand fetch =
          g.fetch()
              .setRemote("origin")
              .setRefSpecs(new RefSpec("+" + ref + ":" + ref))
              .setRemoveDeletedRefs(true);
      credentials.apply(fetch);
      fetch.call();
      ObjectId head = g.getRepository().resolve(ref);
      return head == null ? null : head.name();
    } catch (GitAPIException | IOException | RuntimeException e) {
      if (e instanceof GitAccessException g) {
        throw g;
      }
      // JGit's transport messages name the remote URI, user info (a token) included: only the
      // cleaned message travels on, and not the cause, whose message would be logged with it.
      throw new GitAccessException(
          "cannot fetch "
              + source.branch()
              + " from "
              + source.displayUrl()
              + ": "
              + e.getClass().getSimpleName()
              + ": "
              + withoutSecrets(e.getMessage()),
          null);
    }
  }

  /**
   * Fetches the heads of the open pull or merge requests, as {@code git ls-remote} lists them under
   * {@code prefix} ({@code refs/pull/} or {@code refs/merge-requests/}), into the clone, and
   * returns them by number. A request whose ref is gone from the remote is gone from the result.
   *
   * @throws GitAccessException when the repository cannot be reached or read
   */
  public java.util.SortedMap<Long, String> fetchPullRequests(String prefix) {
    try {
      Git g = open();
      FetchCommand fetch =
          g.fetch()
              .setRemote("origin")
              .setRefSpecs(new RefSpec("+" + prefix + "*/head:" + prefix + "*/head"))
              .setRemoveDeletedRefs(true);
      credentials.apply(fetch);
      fetch.call();
      java.util.SortedMap<Long, String> out = new java.util.TreeMap<>();
      for (org.eclipse.jgit.lib.Ref r :
          g.getRepository().getRefDatabase().getRefsByPrefix(prefix)) {
        String rest = r.getName().substring(prefix.length());
        if (!rest.endsWith("/head") || r.getObjectId() == null) {
          continue;
        }
        try {
          long number = Long.parseLong(rest.substring(0, rest.length() - "/head".length()));
          if (number > 0) {
            out.put(number, r.getObjectId().name());
          }
        } catch (NumberFormatException e) {
          // Not a request's head (a host's other refs under the prefix): not ours to preview.
        }
      }
      return out;
    } catch (GitAPIException | IOException | RuntimeException e) {
      if (e instanceof GitAccessException g) {
        throw g;
      }
      throw new GitAccessException(
          "cannot fetch "
              + prefix
              + "* from "
              + source.displayUrl()
              + ": "
              + e.getClass().getSimpleName()
              + ": "
              + withoutSecrets(e.getMessage()),
          null);
    }
  }

  /** A message with the URL's user info and any configured credential removed. */
  String withoutSecrets(String message) {
    if (message == null) {
      return "";
    }
    String out = message.replace(source.url(), source.displayUrl());
    var auth = source.auth();
    for (String secret :
        new String[] {auth.token(), auth.password(), auth.privateKeyPassphrase()}) {
      if (secret != null && !secret.isEmpty()) {
        out = out.replace(secret, "***");
      }
    }
    return out;
  }

  /** Whether the clone has this commit. */
  public boolean has(String sha) {
    try (RevWalk walk = new RevWalk(repo())) {
      walk.parseCommit(ObjectId.fromString(sha));
      return true;
    } catch (MissingObjectException | IllegalArgumentException e) {
      return false;
    } catch (IOException e) {
      throw new GitAccessException("cannot read " + sha + " of " + source.displayUrl(), e);
    }
  }

  /**
   * The commits to record between the last recorded commit and the head, along first-parent
   * history. A head that does not descend from the last recorded commit is a rewrite: the commits
   * of the new history since the two diverged are recorded (the head alone when the branch moved
   * back), marked with the old head.
   *
   * @param last the last recorded commit, {@code null} on first start (only the head is recorded)
   * @param head the fetched head
   * @param everyCommit false to record only the head
   */
  public CommitPlan plan(String last, String head, boolean everyCommit) {
    if (head.equals(last)) {
      return CommitPlan.NOTHING;
    }
    if (last == null) {
      return new CommitPlan(List.of(head), null);
    }
    try (RevWalk walk = new RevWalk(repo())) {
      RevCommit headCommit = walk.parseCommit(ObjectId.fromString(head));
      RevCommit lastCommit;
      try {
        lastCommit = walk.parseCommit(ObjectId.fromString(last));
      } catch (MissingObjectException e) {
        // The old history is gone from this clone: all we know is that the head replaced it.
        return new CommitPlan(List.of(head), last);
      }
      boolean rewrite = !walk.isMergedInto(lastCommit, headCommit);
      walk.reset();
      Set<ObjectId> fresh = new HashSet<>();
      walk.markStart(walk.parseCommit(headCommit));
      walk.markUninteresting(walk.parseCommit(lastCommit));
      for (RevCommit c : walk) {
        fresh.add(c.copy());
      }
      List<String> chain = new ArrayList<>();
      walk.reset();
      RevCommit c = walk.parseCommit(headCommit);
      while (c != null && fresh.contains(c)) {
        chain.add(0, c.name());
        c = c.getParentCount() == 0 ? null : walk.parseCommit(c.getParent(0));
      }
      if (chain.isEmpty()) {
        chain.add(head);
      }
      List<String> commits = everyCommit ? chain : List.of(head);
      return new CommitPlan(List.copyOf(commits), rewrite ? last : null);
    } catch (IOException e) {
      throw new GitAccessException("cannot walk the history of " + source.displayUrl(), e);
    }
  }

  /** Describes a commit. */
  public GitCommit describe(String sha) {
    Repository repo = repo();
    try (RevWalk walk = new RevWalk(repo)) {
      RevCommit c = walk.parseCommit(ObjectId.fromString(sha));
      List<String> parents = new ArrayList<>();
      for (RevCommit p : c.getParents()) {
        parents.add(p.name());
      }
      PersonIdent a = c.getAuthorIdent();
      PersonIdent k = c.getCommitterIdent();
      return new GitCommit(
          c.name(),
          parents,
          new Person(a.getName(), a.getEmailAddress()),
          new Person(k.getName(), k.getEmailAddress()),
          a.getWhenAsInstant(),
          k.getWhenAsInstant(),
          c.getFullMessage(),
          changedPaths(repo, walk, c),
          c.getRawGpgSignature() != null);
    } catch (IOException e) {
      throw new GitAccessException("cannot read commit " + sha + " of " + source.displayUrl(), e);
    }
  }

  /**
   * Feeds every manifest file of a revision under the source's sub-path to a scan, one blob at a
   * time. Symlinks are checked: one that leaves the repository is an error; one to a manifest file
   * inside it is read as that file. Render inputs are skipped ({@link #renderInputs}).
   */
  public void scan(String sha, RevisionScan scan) {
    Repository repo = repo();
    try (RevWalk walk = new RevWalk(repo);
        ObjectReader reader = repo.newObjectReader();
        TreeWalk tw = new TreeWalk(repo, reader)) {
      RevTree tree = walk.parseCommit(ObjectId.fromString(sha)).getTree();
      Predicate<String> input = renderInputs(repo, tree);
      tw.addTree(tree);
      tw.setRecursive(true);
      if (!source.path().isEmpty()) {
        tw.setFilter(PathFilter.create(source.path()));
      }
      while (tw.next()) {
        String path = tw.getPathString();
        FileMode mode = tw.getFileMode(0);
        ObjectId id = tw.getObjectId(0);
        if (input.test(path)) {
          continue;
        }
        if (mode == FileMode.SYMLINK) {
          symlink(reader, tree, path, id, scan);
        } else if ((mode == FileMode.REGULAR_FILE || mode == FileMode.EXECUTABLE_FILE)
            && DocumentReader.isManifest(path)) {
          scan.file(
              path,
              id.name(),
              reader.getObjectSize(id, Constants.OBJ_BLOB),
              () -> reader.open(id, Constants.OBJ_BLOB).getBytes());
        }
      }
    } catch (IOException e) {
      throw new GitAccessException("cannot read the tree of " + sha, e);
    }
  }

  /**
   * Files that are render inputs, not manifests: those under a configured Kustomize path or chart,
   * the configured values files, and, in a source that renders anything, every directory holding a
   * kustomization file (the bases an overlay builds on; a kustomization is never a manifest). A
   * source that renders nothing reads every file, as before.
   */
  private Predicate<String> renderInputs(Repository repo, RevTree tree) throws IOException {
    RenderSettings render = source.render();
    if (render.isEmpty()) {
      return path -> false;
    }
    List<String> dirs = new ArrayList<>(render.inputDirectories());
    try (TreeWalk tw = new TreeWalk(repo)) {
      tw.addTree(tree);
      tw.setRecursive(true);
      if (!source.path().isEmpty()) {
        tw.setFilter(PathFilter.create(source.path()));
      }
      while (tw.next()) {
        String path = tw.getPathString();
        int slash = path.lastIndexOf('/');
        if (KUSTOMIZATION_FILES.contains(path.substring(slash + 1))) {
          dirs.add(slash < 0 ? "" : path.substring(0, slash));
        }
      }
    }
    Set<String> values = new HashSet<>(render.valuesFiles());
    return path ->
        values.contains(path) || dirs.stream().anyMatch(d -> RenderSettings.isUnder(path, d));
  }

  /**
   * The id of the tree under the source's path at a revision: two revisions with the same id render
   * the same (rendering reads nothing else).
   */
  public String renderTreeId(String sha) {
    Repository repo = repo();
    try (RevWalk walk = new RevWalk(repo)) {
      RevTree tree = walk.parseCommit(ObjectId.fromString(sha)).getTree();
      if (source.path().isEmpty()) {
        return tree.name();
      }
      try (TreeWalk at = TreeWalk.forPath(repo, source.path(), tree)) {
        return at == null ? "" : at.getObjectId(0).name();
      }
    } catch (IOException e) {
      throw new GitAccessException("cannot read the tree of " + sha, e);
    }
  }

  /**
   * Writes the regular files under the source's path at a revision into {@code root}, with their
   * repository paths. Symlinks are not written: a renderer then cannot follow one out of the tree.
   */
  public void writeTree(String sha, Path root) throws IOException {
    Repository repo = repo();
    try (RevWalk walk = new RevWalk(repo);
        ObjectReader reader = repo.newObjectReader();
        TreeWalk tw = new TreeWalk(repo, reader)) {
      tw.addTree(walk.parseCommit(ObjectId.fromString(sha)).getTree());
      tw.setRecursive(true);
      if (!source.path().isEmpty()) {
        tw.setFilter(PathFilter.create(source.path()));
      }
      while (tw.next()) {
        FileMode mode = tw.getFileMode(0);
        if (mode != FileMode.REGULAR_FILE && mode != FileMode.EXECUTABLE_FILE) {
          continue;
        }
        Path file = root.resolve(tw.getPathString()).normalize();
        if (!file.startsWith(root)) {
          continue;
        }
        Files.createDirectories(file.getParent());
        try (var out = Files.newOutputStream(file)) {
          reader.open(tw.getObjectId(0), Constants.OBJ_BLOB).copyTo(out);
        }
      }
    }
  }

  /** The bytes of a blob. */
  public byte[] readBlob(String blobId) {
    try (ObjectReader reader = repo().newObjectReader()) {
      return reader.open(ObjectId.fromString(blobId), Constants.OBJ_BLOB).getBytes();
    } catch (IOException e) {
      throw new GitAccessException("cannot read blob " + blobId, e);
    }
  }

  @Override
  public void close() {
    if (git != null) {
      git.close();
      git = null;
    }
    credentials.close();
  }

  private void symlink(
      ObjectReader reader, RevTree tree, String path, ObjectId id, RevisionScan scan)
      throws IOException {
    long size = reader.getObjectSize(id, Constants.OBJ_BLOB);
    if (size > MAX_SYMLINK_BYTES) {
      // A link's blob is its target path; one this long is no path, and reading a huge blob
      // whole would fail on every retry and stop the source.
      scan.error(
          path,
          0,
          "symlink target is "
              + size
              + " bytes, over the limit of "
              + MAX_SYMLINK_BYTES
              + " bytes");
      return;
    }
    String target = new String(reader.open(id).getBytes(), StandardCharsets.UTF_8);
    String resolved = resolve(path, target);
    if (resolved == null) {
      scan.error(path, 0, "symlink to '" + target + "' leaves the repository");
      return;
    }
    if (!DocumentReader.isManifest(path)) {
      return;
    }
    try (TreeWalk at = TreeWalk.forPath(reader, resolved, tree)) {
      if (at == null) {
        scan.error(path, 0, "symlink to '" + target + "' points to nothing");
        return;
      }
      FileMode mode = at.getFileMode(0);
      if (mode != FileMode.REGULAR_FILE && mode != FileMode.EXECUTABLE_FILE) {
        scan.error(path, 0, "symlink to '" + target + "' does not point to a regular file");
        return;
      }
      ObjectId blob = at.getObjectId(0);
      scan.file(
          path,
          blob.name(),
          reader.getObjectSize(blob, Constants.OBJ_BLOB),
          () -> reader.open(blob, Constants.OBJ_BLOB).getBytes());
    }
  }

  /** The repository path a link points to, or null when it leaves the repository. */
  static String resolve(String linkPath, String target) {
    if (target.startsWith("/") || target.matches("^[A-Za-z]:.*") || target.contains("\\")) {
      return null;
    }
    List<String> parts = new ArrayList<>(List.of(linkPath.split("/")));
    parts.remove(parts.size() - 1);
    for (String seg : target.split("/")) {
      if (seg.isEmpty() || seg.equals(".")) {
        continue;
      }
      if (seg.equals("..")) {
        if (parts.isEmpty()) {
          return null;
        }
        parts.remove(parts.size() - 1);
      } else {
        parts.add(seg);
      }
    }
    return parts.isEmpty() ? null : String.join("/", parts);
  }

  private static List<String> changedPaths(Repository repo, RevWalk walk, RevCommit c)
      throws IOException {
    try (TreeWalk tw = new TreeWalk(repo)) {
      tw.setRecursive(true);
      if (c.getParentCount() == 0) {
        tw.addTree(new EmptyTreeIterator());
      } else {
        tw.addTree(walk.parseCommit(c.getParent(0)).getTree());
      }
      tw.addTree(c.getTree());
      tw.setFilter(TreeFilter.ANY_DIFF);
      List<String> paths = new ArrayList<>();
      for (DiffEntry d : DiffEntry.scan(tw)) {
        paths.add(
            d.getChangeType() == DiffEntry.ChangeType.DELETE ? d.getOldPath() : d.getNewPath());
      }
      paths.sort(null);
      return paths;
    }
  }

  private Repository repo() {
    if (git == null) {
      open();
    }
    return git.getRepository();
  }

  private Git open() {
    if (git != null) {
      return git;
    }
    try {
      if (Files.isDirectory(dir)) {
        Git existing = Git.open(dir.toFile());
        String url = existing.getRepository().getConfig().getString("remote", "origin", "url");
        if (source.url().equals(url)) {
          git = existing;
          return git;
        }
        existing.close();
        deleteTree(dir);
      }
      Files.createDirectories(dir.getParent());
      Git created =
          Git.init().setBare(true).setInitialBranch(source.branch()).setGitDir(dir.toFile()).call();
      StoredConfig config = created.getRepository().getConfig();
      config.setString("remote", "origin", "url", source.url());
      config.save();
      git = created;
      return git;
    } catch (IOException | GitAPIException e) {
      throw new GitAccessException("cannot open the cache of " + source.id() + " in " + dir, e);
    }
  }

  private static void deleteTree(Path root) throws IOException {
    FileUtils.delete(root.toFile(), FileUtils.RECURSIVE);
  }
}
