package dev.opsledger.gitwatcher.watch;

import static dev.opsledger.testkit.TestAwait.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.events.CommitRejected;
import dev.opsledger.events.ManifestError;
import dev.opsledger.gitwatcher.source.SourceSettings;
import dev.opsledger.gitwatcher.support.EventLog;
import dev.opsledger.gitwatcher.support.Watchers;
import dev.opsledger.testkit.GitFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheEditor;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.Repository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A corpus of bad manifests, each pushed as its own commit on top of a good revision: each is
 * rejected whole with the right file, line and reason, no desired event is written for it, and the
 * watcher goes on to accept the commit that removes it.
 */
class BadManifestCorpusIT {

  @TempDir Path dir;

  record Case(String name, Map<String, byte[]> files, String file, int line, String reason) {}

  static Map<String, byte[]> files(String... pathsAndContents) {
    Map<String, byte[]> m = new LinkedHashMap<>();
    for (int i = 0; i < pathsAndContents.length; i += 2) {
      m.put(pathsAndContents[i], pathsAndContents[i + 1].getBytes(StandardCharsets.UTF_8));
    }
    return m;
  }

  static final String GOOD = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: good\n";

  static List<Case> corpus() {
    List<Case> c = new ArrayList<>();
    c.add(
        new Case(
            "bad YAML indentation",
            files(
                "m/bad-yaml.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n   oops: here\n"),
            "m/bad-yaml.yaml",
            5,
            "invalid YAML"));
    c.add(
        new Case(
            "no kind",
            files("m/no-kind.yaml", "apiVersion: v1\nmetadata:\n  name: x\n"),
            "m/no-kind.yaml",
            1,
            "no kind"));
    c.add(
        new Case(
            "no name in the second document",
            files(
                "m/multi.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: one\n---\n# second\n"
                    + "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  labels: {a: b}\n"),
            "m/multi.yaml",
            7,
            "no metadata.name"));
    c.add(
        new Case(
            "unknown AWS field",
            files(
                "m/bucket.yaml",
                "apiVersion: aws.opsledger.dev/v1\nkind: S3Bucket\nmetadata:\n  name: logs\nspec:\n"
                    + "  tags: {team: a}\n  versionning: Enabled\n"),
            "m/bucket.yaml",
            7,
            "unknown field 'versionning'"));
    c.add(
        new Case(
            "AWS enum value",
            files(
                "m/bucket2.yaml",
                "apiVersion: aws.opsledger.dev/v1\nkind: S3Bucket\nmetadata:\n  name: logs2\nspec:\n"
                    + "  versioning: Maybe\n"),
            "m/bucket2.yaml",
            6,
            "must be one of Enabled, Suspended"));
    c.add(
        new Case(
            "DynamoDB table without key schema",
            files(
                "m/table.yaml",
                "apiVersion: aws.opsledger.dev/v1\nkind: DynamoDBTable\nmetadata:\n  name: t\nspec:\n"
                    + "  billingMode: PAY_PER_REQUEST\n  attributeDefinitions:\n"
                    + "    - {attributeName: id, attributeType: S}\n"),
            "m/table.yaml",
            5,
            "missing required field 'keySchema'"));
    c.add(
        new Case(
            "SQS attribute that does not exist",
            files(
                "m/queue.json",
                "{\n  \"apiVersion\": \"aws.opsledger.dev/v1\",\n  \"kind\": \"SQSQueue\",\n"
                    + "  \"metadata\": {\"name\": \"q\"},\n  \"spec\": {\n    \"attributes\": {\n"
                    + "      \"VisibilityTimeout\": \"30\",\n      \"Colour\": \"blue\"\n    }\n  }\n}\n"),
            "m/queue.json",
            8,
            "unknown field 'Colour'"));
    c.add(
        new Case(
            "IAM role without trust policy",
            files(
                "m/role.yaml",
                "apiVersion: aws.opsledger.dev/v1\nkind: IAMRole\nmetadata:\n  name: r\nspec:\n"
                    + "  description: no trust\n"),
            "m/role.yaml",
            5,
            "missing required field 'assumeRolePolicyDocument'"));
    c.add(
        new Case(
            "the same resource twice",
            files(
                "m/a-first.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: twice\n",
                "m/b-second.yaml",
                "# again\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: twice\n"),
            "m/b-second.yaml",
            2,
            "declared twice: also at m/a-first.yaml:1"));
    c.add(
        new Case(
            "file over the size cap",
            files(
                "m/huge.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: huge\ndata:\n  blob: \""
                    + "x".repeat(2 * 1024 * 1024)
                    + "\"\n"),
            "m/huge.yaml",
            0,
            "over the limit of 2097152 bytes"));
    Map<String, byte[]> latin1 = new LinkedHashMap<>();
    latin1.put(
        "m/latin1.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: caf\u00e9\n"
            .getBytes(StandardCharsets.ISO_8859_1));
    c.add(new Case("not UTF-8", latin1, "m/latin1.yaml", 4, "not UTF-8"));
    c.add(
        new Case(
            "invalid JSON",
            files(
                "m/broken.json",
                "{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"ConfigMap\",,\n  \"metadata\": {}\n}\n"),
            "m/broken.json",
            3,
            "invalid JSON"));
    c.add(
        new Case(
            "duplicate key",
            files(
                "m/dupkey.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: d\ndata:\n  a: '1'\n  a: '2'\n"),
            "m/dupkey.yaml",
            7,
            "duplicate key 'a'"));
    c.add(
        new Case(
            "a document that is not a mapping",
            files("m/scalar.yaml", GOOD + "---\n- just\n- a list\n"),
            "m/scalar.yaml",
            6,
            "must be a mapping"));
    c.add(
        new Case(
            "namespace on an AWS kind",
            files(
                "m/ns.yaml",
                "apiVersion: aws.opsledger.dev/v1\nkind: SQSQueue\nmetadata:\n  name: q\n"
                    + "  namespace: apps\n"),
            "m/ns.yaml",
            5,
            "cluster-scoped"));
    c.add(
        new Case(
            "Secret data that is not base64",
            files(
                "m/secret.yaml",
                "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  password: not base64!\n"),
            "m/secret.yaml",
            1,
            "not valid base64"));
    c.add(
        new Case(
            "List item without a name",
            files(
                "m/list.yaml",
                "apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: ConfigMap\n"
                    + "    metadata: {name: ok}\n  - apiVersion: v1\n    kind: ConfigMap\n"
                    + "    metadata: {}\n"),
            "m/list.yaml",
            7,
            "no metadata.name"));
    c.add(
        new Case(
            "YAML alias",
            files(
                "m/alias.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: &n aliased\n  labels:\n"
                    + "    app: *n\n"),
            "m/alias.yaml",
            6,
            "aliases"));
    c.add(
        new Case(
            "unknown AWS kind",
            files(
                "m/lambda.yaml",
                "apiVersion: aws.opsledger.dev/v1\nkind: LambdaFunction\nmetadata:\n  name: f\n"),
            "m/lambda.yaml",
            2,
            "unknown AWS kind 'LambdaFunction'"));
    c.add(
        new Case(
            "name that cannot be a key",
            files("m/badname.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a/b\n"),
            "m/badname.yaml",
            4,
            "cannot name a Kubernetes object"));
    return c;
  }

  @Test
  void rejectsEachBadRevisionWholeWithFileAndLineAndKeepsAcceptingGoodOnes() throws Exception {
    GitFixture git = GitFixture.create(dir.resolve("repo"));
    String id = Watchers.uniqueId("corpus");
    SourceSettings source = Watchers.source(id, git.remoteUrl(), "");
    String base = git.commit("good base").write("base.yaml", GOOD).push();
    Map<String, Case> bySha = new LinkedHashMap<>();
    List<String> fixes = new ArrayList<>();
    try (EventLog log = new EventLog(id);
        SourceWatcher w = Watchers.watcher(source, dir.resolve("cache"))) {
      w.runOnce();
      for (Case k : corpus()) {
        var commit = git.commit("bad: " + k.name());
        k.files().forEach(commit::write);
        String bad = commit.push();
        assertThat(w.runOnce()).as(k.name()).isEqualTo(new WatchOutcome.Recorded(1, 1, bad));
        bySha.put(bad, k);
        var fix = git.commit("remove " + k.name());
        k.files().keySet().forEach(fix::delete);
        String fixed = fix.push();
        assertThat(w.runOnce())
            .as("fix of " + k.name())
            .isEqualTo(new WatchOutcome.Recorded(1, 0, fixed));
        fixes.add(fixed);
      }
      // A symlink that leaves the repository.
      Path link = git.workDir().resolve("m/escape.yaml");
      Files.createDirectories(link.getParent());
      Files.createSymbolicLink(link, Path.of("../../outside.yaml"));
      git.git().add().addFilepattern("m/escape.yaml").call();
      String escape = git.commit("bad: symlink").push();
      assertThat(w.runOnce()).isEqualTo(new WatchOutcome.Recorded(1, 1, escape));
      bySha.put(escape, new Case("symlink", Map.of(), "m/escape.yaml", 0, "leaves the repository"));
      git.git().rm().setCached(true).addFilepattern("m/escape.yaml").call();
      String escapeFixed = git.commit("remove the escaping symlink").push();
      assertThat(w.runOnce()).isEqualTo(new WatchOutcome.Recorded(1, 0, escapeFixed));
      fixes.add(escapeFixed);
      // A symlink whose blob (its target) is far too long to be a path: rejected like any bad
      // file, rather than read whole on every retry.
      stageSymlink(git, "m/huge.yaml", "x/".repeat(600_000));
      String hugeLink = git.commit("bad: huge symlink").push();
      assertThat(w.runOnce()).isEqualTo(new WatchOutcome.Recorded(1, 1, hugeLink));
      bySha.put(
          hugeLink, new Case("huge symlink", Map.of(), "m/huge.yaml", 0, "over the limit of 4096"));

      int expected = corpus().size() + 2;
      await("every bad revision rejected").until(() -> log.rejected().size() == expected);
      for (CommitRejected r : log.rejected()) {
        Case k = bySha.get(r.sha());
        List<String> good = new ArrayList<>(fixes);
        good.add(base);
        assertThat(good).as(k.name()).contains(r.lastGoodRevision());
        assertThat(r.errors())
            .as(k.name() + ": " + r.errors())
            .anySatisfy(
                e -> {
                  assertThat(e.file()).isEqualTo(k.file());
                  assertThat(e.line()).isEqualTo(k.line());
                  assertThat(e.reason()).contains(k.reason());
                });
        assertThat(r.errors()).extracting(ManifestError::file).containsOnly(k.file());
      }
      await("all commits recorded").until(() -> log.observed().size() == 2 * expected);
      for (String bad : bySha.keySet()) {
        assertThat(log.changedAt(bad)).isEmpty();
        assertThat(log.removedAt(bad)).isEmpty();
      }
      // The good base resource was declared once, at the base, and never again.
      assertThat(log.desiredEnvelopes()).hasSize(1);
    } finally {
      git.close();
    }
  }

  /** Stages a symlink to any target text, even one no file system would store. */
  private static void stageSymlink(GitFixture git, String path, String target) throws Exception {
    Repository repo = git.git().getRepository();
    ObjectId blob;
    try (ObjectInserter inserter = repo.newObjectInserter()) {
      blob = inserter.insert(Constants.OBJ_BLOB, target.getBytes(StandardCharsets.UTF_8));
      inserter.flush();
    }
    DirCache index = repo.lockDirCache();
    try {
      DirCacheEditor editor = index.editor();
      editor.add(
          new DirCacheEditor.PathEdit(path) {
            @Override
            public void apply(DirCacheEntry entry) {
              entry.setFileMode(FileMode.SYMLINK);
              entry.setObjectId(blob);
            }
          });
      editor.commit();
    } finally {
      index.unlock();
    }
  }
}
