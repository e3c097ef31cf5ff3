package dev.opsledger.cli.reliability;

import static dev.opsledger.testkit.TestAwait.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.audit.LogReader;
import dev.opsledger.audit.LoggedEvent;
import dev.opsledger.events.ApplyFailed;
import dev.opsledger.events.CloudEventHeaders;
import dev.opsledger.events.CommitObserved;
import dev.opsledger.events.CommitRejected;
import dev.opsledger.events.Topic;
import dev.opsledger.kafka.KafkaSettings;
import dev.opsledger.testkit.CanaryScan;
import dev.opsledger.testkit.GitFixture;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad inputs (issue 16, point 4), each tried against one running {@code opsledger up} in its own
 * JVM: hostile manifests pushed to its repository, hostile webhook requests, records written
 * straight to its topics, and hostile API and audit requests. Each must be refused with a clear
 * error (an event, an HTTP status, a dead-letter record with its reason) and, after all of them, a
 * valid commit must still converge. The observed outcomes are written as a table to {@code
 * target/reliability/bad-inputs.md}, which {@code docs/reliability.md} reproduces.
 */
class BadInputsE2E {

  private static final Path REPORT = Path.of("target", "reliability").toAbsolutePath();
  private static final String TARGET = "bad";
  private static final String GITHUB_SECRET = "github-webhook-secret";
  private static final String GENERIC_SECRET = "generic-webhook-secret";
  private static final String GITLAB_SECRET = "gitlab-webhook-token";

  /**
   * The value of the Secret the baseline declares, and of the Secret spelled {@code kind: secret}:
   * neither may appear in plain or base64 anywhere the scan reads.
   */
  private static final String CANARY = "canary-pw-bad-inputs";

  /** One bad input and what happened. */
  record Row(String area, String input, String expected, String observed, boolean refused) {}

  @TempDir Path dir;

  private final List<Row> rows = new ArrayList<>();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private GitFixture git;
  private UpProcess up;
  private String lastBadFile;

  @Test
  void everyBadInputIsRefusedClearlyWhileAValidCommitStillConverges() throws Exception {
    CanaryScan canaries;
    git = GitFixture.create(dir.resolve("git"));
    git.commit("Baseline")
        .write("ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: bad\n")
        .write("good.yaml", configMap("good", "v0"))
        .write("crd.yaml", Workload.crd())
        .write(
            "secret.yaml",
            "apiVersion: v1\nkind: Secret\nmetadata: {name: kept, namespace: bad}\n"
                + "stringData:\n  password: "
                + CANARY
                + "-kept\n")
        .push();
    try (CountingReceiver hook = CountingReceiver.start();
        UpProcess running =
            new UpProcess(dir.resolve("checkout"), git.remoteUrl(), TARGET)
                .property("opsledger.git-watcher.webhooks.github.enabled", "true")
                .property("opsledger.git-watcher.webhooks.github.secret", GITHUB_SECRET)
                .property("opsledger.git-watcher.webhooks.gitlab.enabled", "true")
                .property("opsledger.git-watcher.webhooks.gitlab.secret", GITLAB_SECRET)
                .property("opsledger.git-watcher.webhooks.generic.enabled", "true")
                .property("opsledger.git-watcher.webhooks.generic.secret", GENERIC_SECRET)
                .property("opsledger.notifier.channels.hook.type", "webhook")
                .property("opsledger.notifier.channels.hook.url", hook.url("/hook"))
                .property("opsledger.applier.retry.max-backoff", "10s")) {
      up = running;
      up.start();
      up.awaitUp(Duration.ofMinutes(5));
      try (KubernetesClient kube = client()) {
        await("the baseline is applied")
            .atMost(Duration.ofMinutes(3))
            .ignoreExceptions()
            .until(() -> "v0".equals(greeting(kube, "good")));

        manifests();
        webhooks();
        records();
        api();

        String sha =
            git.commit("Valid after all the bad inputs")
                .delete(lastBadFile)
                .write("good.yaml", configMap("good", "v1"))
                .push();
        await("a valid commit made after every bad input converges")
            .atMost(Duration.ofMinutes(3))
            .ignoreExceptions()
            .until(() -> "v1".equals(greeting(kube, "good")));
        rows.add(
            new Row(
                "afterwards",
                "a valid commit (" + sha.substring(0, 12) + ")",
                "applied",
                "applied; process alive: " + up.alive(),
                up.alive()));
        canaries =
            CanaryScan.of(List.of(CANARY))
                .topics(up.bootstrapServers())
                .file(up.logFile())
                .file(up.terminal())
                .texts("webhook", hook.bodies());
        System.out.printf(
            "[bad-inputs] canary scan: %s scanned, %d hits%n",
            canaries.scanned(), canaries.hits().size());
      } finally {
        writeReport();
      }
    }
    canaries.assertClean();
    assertThat(rows).hasSizeGreaterThanOrEqualTo(50);
    assertThat(rows)
        .as("every bad input refused clearly (table: %s)", REPORT.resolve("bad-inputs.md"))
        .allSatisfy(
            r ->
                assertThat(r.refused())
                    .as(r.area() + ": " + r.input() + " -> " + r.observed())
                    .isTrue());
  }

  // ---- manifests: each pushed as a commit, the previous bad file removed in the same commit ----

  private void manifests() throws Exception {
    String laughs =
        """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: laughs, namespace: bad}
        data:
          a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
          b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
          c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
          d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
          e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
          f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
          g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
          h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
          i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
        """;
    rejected("billion laughs (YAML aliases, 9^9 expansion)", "laughs.yaml", utf8(laughs));
    rejected(
        "nesting 1,001 deep (YAML flow sequences)",
        "deep.yaml",
        utf8(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep, namespace: bad}\nx: "
                + "[".repeat(1001)
                + "]".repeat(1001)
                + "\n"));
    rejected(
        "nesting 1,001 deep (JSON objects)",
        "deep.json",
        utf8(
            "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"deepj\"},\"x\":"
                + "{\"a\":".repeat(1001)
                + "1"
                + "}".repeat(1001)
                + "}"));
    byte[] latin = configMap("latin", "caf\u00e9").getBytes(StandardCharsets.ISO_8859_1);
    rejected("invalid UTF-8 (a Latin-1 byte 0xE9)", "latin.yaml", latin);
    rejected(
        "a NUL byte in a value",
        "nul.yaml",
        utf8(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: nul, namespace: bad}\ndata:\n  a: \"x\u0000y\"\n"));
    rejected(
        "a raw NUL byte in the file",
        "rawnul.yaml",
        utf8(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: rawnul, namespace: bad}\n\u0000\n"));
    refusedOrFailed(
        "`.nan` as a value",
        "nan.yaml",
        utf8(
            "apiVersion: rel.example.dev/v1\nkind: Widget\nmetadata: {name: nan, namespace: bad}\nspec:\n  size: .nan\n"),
        "nan");
    refusedOrFailed(
        "`1e400` (beyond a double)",
        "big.yaml",
        utf8(
            "apiVersion: rel.example.dev/v1\nkind: Widget\nmetadata: {name: big, namespace: bad}\nspec:\n  size: 1e400\n"),
        "big");
    rejected(
        "duplicate keys",
        "dup.yaml",
        utf8(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: dup, namespace: bad}\ndata:\n  a: \"1\"\n  a: \"2\"\n"));
    byte[] huge = new byte[60 * 1024 * 1024];
    java.util.Arrays.fill(huge, (byte) 'x');
    byte[] head =
        utf8(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: huge, namespace: bad}\ndata:\n  a: ");
    System.arraycopy(head, 0, huge, 0, head.length);
    rejected("a 60 MiB file", "huge.yaml", huge);
    symlink();
    refusedOrFailed("a resource named `..`", "dots.yaml", utf8(configMap("..", "x")), "..");
    refusedOrFailed("a resource named `a#b`", "hash.yaml", utf8(configMap("a#b", "x")), "a#b");
    rejected(
        "a Secret whose data is not base64",
        "bad-secret.yaml",
        utf8(
            "apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: bad}\ndata:\n  password: not*base64\n"));
    rejected(
        "a Secret spelled `kind: secret` (would escape sealing)",
        "lower.yaml",
        utf8(
            "apiVersion: v1\nkind: secret\nmetadata: {name: s2, namespace: bad}\nstringData:\n  password: "
                + CANARY
                + "-lowercase-kind\n"));
    rejected(
        "a sealed marker written in Git",
        "sealed.yaml",
        utf8(
            "apiVersion: v1\nkind: Secret\nmetadata: {name: s3, namespace: bad}\nstringData:\n  password: \"opsledger:sealed:AAAA\"\n"));
    rejected(
        "no `kind`",
        "nokind.yaml",
        utf8("apiVersion: v1\nmetadata: {name: nokind, namespace: bad}\n"));
    rejected("a document that is a list, not a mapping", "list.yaml", utf8("- a\n- b\n"));
    rejected(
        "YAML that does not parse (unclosed quote)",
        "broken.yaml",
        utf8("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: \"broken, namespace: bad}\n"));
    rejected(
        "the same resource declared twice",
        "twice.yaml",
        utf8(configMap("good", "v0") + "---\n" + configMap("good", "v9")));
    // A 20 MiB commit message: not refused (a message is not a manifest), but cut when recorded so
    // the commit still fits in one record.
    String sha =
        git.commit("m".repeat(20 * 1024 * 1024))
            .delete(lastBadFile)
            .write("ok.yaml", configMap("ok", "1"))
            .push();
    lastBadFile = "ok.yaml";
    Optional<CommitObserved> observed =
        await("the commit with a 20 MiB message is recorded")
            .atMost(Duration.ofMinutes(2))
            .until(
                () ->
                    events(Topic.COMMITS).stream()
                        .map(LoggedEvent::data)
                        .filter(e -> e instanceof CommitObserved c && c.sha().equals(sha))
                        .map(CommitObserved.class::cast)
                        .findFirst(),
                Optional::isPresent);
    int length = observed.get().message().length();
    rows.add(
        new Row(
            "manifest",
            "a 20 MiB commit message",
            "recorded with the message cut, the commit applied",
            "CommitObserved with a message of " + length + " characters",
            length < 1024 * 1024));
  }

  private void rejected(String input, String file, byte[] content) {
    String sha = pushBad(input, file, content);
    Optional<CommitRejected> r = awaitRejection(sha);
    rows.add(
        new Row(
            "manifest",
            input,
            "CommitRejected naming the file",
            r.map(BadInputsE2E::reasons).orElse("not rejected"),
            r.isPresent() && reasons(r.get()).contains(file)));
  }

  /**
   * Inputs a parser may read as data: refused at the commit, or failed terminally at the apply with
   * the API server's answer. Either way an event says why and nothing else stops.
   */
  private void refusedOrFailed(String input, String file, byte[] content, String name) {
    String sha = pushBad(input, file, content);
    Optional<String> outcome;
    try {
      outcome =
          await(input + " is refused or fails")
              .atMost(Duration.ofMinutes(2))
              .pollInterval(Duration.ofMillis(500))
              .until(
                  () -> {
                    for (LoggedEvent e : events(Topic.COMMITS)) {
                      if (e.data() instanceof CommitRejected c && c.sha().equals(sha)) {
                        return Optional.of("CommitRejected: " + reasons(c));
                      }
                    }
                    for (LoggedEvent e : events(Topic.APPLIES)) {
                      if (e.data() instanceof ApplyFailed f
                          && sha.equals(f.desiredRevision())
                          && f.resource().name().equals(name)) {
                        return Optional.of(
                            "ApplyFailed " + f.reason() + ": " + cut(f.message(), 160));
                      }
                    }
                    return Optional.<String>empty();
                  },
                  Optional::isPresent);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      outcome = Optional.empty();
    }
    rows.add(
        new Row(
            "manifest",
            input,
            "CommitRejected, or ApplyFailed with the API server's reason",
            outcome.orElse("neither rejected nor failed within 2 minutes"),
            outcome.isPresent()));
  }

  private String pushBad(String input, String file, byte[] content) {
    var commit = git.commit("Bad input: " + input);
    if (lastBadFile != null) {
      commit.delete(lastBadFile);
    }
    lastBadFile = "bad/" + file;
    return commit.write(lastBadFile, content).push();
  }

  private void symlink() throws Exception {
    var commit = git.commit("Bad input: a symlink out of the tree");
    commit.delete(lastBadFile);
    commit.commitOnly();
    lastBadFile = "bad/link.yaml";
    Path link = git.workDir().resolve(lastBadFile);
    Files.createSymbolicLink(link, Path.of("/etc/hostname"));
    git.git().add().addFilepattern(lastBadFile).call();
    String sha = git.commit("Bad input: a symlink out of the tree").push();
    Optional<CommitRejected> r = awaitRejection(sha);
    rows.add(
        new Row(
            "manifest",
            "a symlink out of the tree (to /etc/hostname)",
            "CommitRejected naming the file",
            r.map(BadInputsE2E::reasons).orElse("not rejected"),
            r.isPresent() && reasons(r.get()).contains("link.yaml")));
  }

  private Optional<CommitRejected> awaitRejection(String sha) {
    try {
      return await("commit " + sha.substring(0, 12) + " is rejected")
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofMillis(500))
          .until(
              () ->
                  events(Topic.COMMITS).stream()
                      .map(LoggedEvent::data)
                      .filter(e -> e instanceof CommitRejected c && c.sha().equals(sha))
                      .map(CommitRejected.class::cast)
                      .findFirst(),
              Optional::isPresent);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      return Optional.empty();
    }
  }

  private static String reasons(CommitRejected c) {
    return cut(
        c.errors().stream()
            .map(e -> e.file() + ":" + e.line() + ": " + e.reason())
            .reduce((a, b) -> a + "; " + b)
            .orElse("(no reason)"),
        200);
  }

  // ---- webhooks ----

  private void webhooks() throws Exception {
    String push =
        "{\"ref\":\"refs/heads/main\",\"repository\":{\"clone_url\":\"" + git.remoteUrl() + "\"}}";
    String github = up.httpBase() + "/webhooks/git-watcher/github";
    status(
        "webhook",
        "GitHub push without a signature",
        401,
        post(github, push, Map.of("X-GitHub-Event", "push")));
    status(
        "webhook",
        "GitHub push with a bad signature",
        401,
        post(
            github,
            push,
            Map.of("X-GitHub-Event", "push", "X-Hub-Signature-256", "sha256=" + "0".repeat(64))));
    status(
        "webhook",
        "GitHub push signed with another secret",
        401,
        post(
            github,
            push,
            Map.of(
                "X-GitHub-Event",
                "push",
                "X-Hub-Signature-256",
                "sha256=" + hmac("not-the-secret", push))));
    byte[] big = new byte[1024 * 1024 + 1];
    java.util.Arrays.fill(big, (byte) ' ');
    status(
        "webhook",
        "a body of 1 MiB + 1 byte",
        413,
        post(
            github,
            big,
            Map.of(
                "X-GitHub-Event",
                "push",
                "X-Hub-Signature-256",
                "sha256=" + hmac(GITHUB_SECRET, big))));
    String notJson = "this is not json";
    status(
        "webhook",
        "a correctly signed body that is not JSON",
        400,
        post(
            github,
            notJson,
            Map.of(
                "X-GitHub-Event",
                "push",
                "X-Hub-Signature-256",
                "sha256=" + hmac(GITHUB_SECRET, notJson))));
    Map<String, String> signed =
        Map.of(
            "X-GitHub-Event", "push", "X-Hub-Signature-256", "sha256=" + hmac(GITHUB_SECRET, push));
    int first = post(github, push, signed);
    int replayed = post(github, push, signed);
    rows.add(
        new Row(
            "webhook",
            "a valid signed push replayed",
            "accepted again: it only triggers a fetch, never writes an event",
            "HTTP " + first + " then " + replayed,
            replayed / 100 == 2));
    status(
        "webhook",
        "GitLab push with a wrong token",
        401,
        post(
            up.httpBase() + "/webhooks/git-watcher/gitlab",
            push,
            Map.of("X-Gitlab-Event", "Push Hook", "X-Gitlab-Token", "wrong")));
    status(
        "webhook",
        "generic push with a bad signature",
        401,
        post(
            up.httpBase() + "/webhooks/git-watcher/generic",
            push,
            Map.of("X-OpsLedger-Signature", "sha256=" + "1".repeat(64))));
    status(
        "webhook",
        "a provider that is not enabled (bitbucket)",
        404,
        post(up.httpBase() + "/webhooks/git-watcher/bitbucket", push, Map.of()));
    Map<Integer, Integer> statuses = new TreeMap<>();
    for (int i = 0; i < 1000; i++) {
      statuses.merge(
          post(up.httpBase() + "/webhooks/git-watcher/unknown-" + i, push, Map.of()),
          1,
          Integer::sum);
    }
    rows.add(
        new Row(
            "webhook",
            "1,000 unknown providers",
            "404 for each",
            "HTTP statuses " + statuses,
            statuses.equals(Map.of(404, 1000))));
  }

  // ---- records written straight to each topic ----

  private void records() throws Exception {
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(KafkaSettings.producer(up.bootstrapServers()))) {
      for (Topic topic :
          List.of(
              Topic.COMMITS,
              Topic.DESIRED,
              Topic.OBSERVED,
              Topic.DIFFS,
              Topic.APPLIES,
              Topic.APPROVALS)) {
        ConsumerRecord<String, byte[]> sample = sample(topic);
        String key = sample == null ? "bad-input" : sample.key();
        List<Header> headers = new ArrayList<>();
        if (sample != null) {
          sample.headers().forEach(headers::add);
        } else {
          headers.add(header(CloudEventHeaders.SPEC_VERSION, "1.0"));
          headers.add(header(CloudEventHeaders.SOURCE, "/bad-input"));
          headers.add(header(CloudEventHeaders.TYPE, "dev.opsledger.sync.approved"));
          headers.add(header(CloudEventHeaders.CONTENT_TYPE, "application/json"));
          headers.add(header(CloudEventHeaders.TIME, Instant.now().toString()));
        }
        byte[] body = sample == null ? utf8("{}") : sample.value();
        String t = topic.topicName();

        String m1 = marker();
        poison(
            producer,
            topic,
            "no CloudEvents headers",
            key,
            List.of(),
            utf8("{\"marker\":\"" + m1 + "\"}"),
            m1);
        String m2 = marker();
        poison(
            producer,
            topic,
            "an unknown ce_type",
            key,
            with(headers, m2, CloudEventHeaders.TYPE, "dev.opsledger.no.such.type"),
            body,
            m2);
        String m3 = marker();
        String future =
            headerText(headers, CloudEventHeaders.DATA_SCHEMA)
                .map(s -> s.replaceAll("\\d+$", "99"))
                .orElse("https://opsledger.dev/schemas/x/v99");
        poison(
            producer,
            topic,
            "a future schema version (ce_dataschema …/v99)",
            key,
            with(headers, m3, CloudEventHeaders.DATA_SCHEMA, future),
            body,
            m3);
        String m4 = marker();
        poison(
            producer,
            topic,
            "a body that is not JSON",
            key,
            with(headers, m4, null, null),
            utf8("not json " + m4),
            m4);
        String m5 = marker();
        byte[] tenMiB =
            utf8(
                "{\"marker\":\"" + m5 + "\",\"padding\":\"" + "x".repeat(10 * 1024 * 1024) + "\"}");
        poison(
            producer,
            topic,
            "a 10 MiB record (JSON, not the type's schema)",
            key,
            with(headers, m5, null, null),
            tenMiB,
            m5);
        if (sample == null) {
          rows.add(
              new Row(
                  "record",
                  t + ": (note)",
                  "-",
                  "no record on the topic to copy headers from; synthetic headers used",
                  true));
        }
      }
    }
  }

  private void poison(
      KafkaProducer<String, byte[]> producer,
      Topic topic,
      String input,
      String key,
      List<Header> headers,
      byte[] body,
      String marker)
      throws Exception {
    producer.send(new ProducerRecord<>(topic.topicName(), null, key, body, headers)).get();
    Optional<String> reason;
    try {
      reason =
          await(topic.topicName() + ": " + input + " is dead-lettered")
              .atMost(Duration.ofSeconds(90))
              .pollInterval(Duration.ofSeconds(1))
              .until(() -> deadLettered(topic, marker), Optional::isPresent);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      reason = Optional.empty();
    }
    rows.add(
        new Row(
            "record",
            topic.topicName() + ": " + input,
            "in " + topic.dlqName() + " with the reason",
            reason
                .map(r -> "dead-lettered: " + cut(r, 160))
                .orElse("not dead-lettered within 90 s"),
            reason.isPresent()));
  }

  private Optional<String> deadLettered(Topic topic, String marker) {
    try (var consumer =
        new KafkaConsumer<String, byte[]>(KafkaSettings.consumer(up.bootstrapServers(), null))) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic.dlqName()).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      Instant until = Instant.now().plusSeconds(20);
      while (Instant.now().isBefore(until)
          && partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          boolean ours =
              marker.equals(lastHeader(r, CloudEventHeaders.ID))
                  || new String(
                          r.value(), 0, Math.min(r.value().length, 200), StandardCharsets.UTF_8)
                      .contains(marker);
          if (ours) {
            String why = lastHeader(r, "x-exception-message");
            return Optional.of(why == null ? "(no reason header)" : why);
          }
        }
      }
    }
    return Optional.empty();
  }

  private ConsumerRecord<String, byte[]> sample(Topic topic) {
    try (var consumer =
        new KafkaConsumer<String, byte[]>(KafkaSettings.consumer(up.bootstrapServers(), null))) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic.topicName()).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      if (end.values().stream().allMatch(o -> o == 0)) {
        return null;
      }
      Instant until = Instant.now().plusSeconds(20);
      while (Instant.now().isBefore(until)) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          return r;
        }
      }
    }
    return null;
  }

  private static List<Header> with(List<Header> headers, String id, String name, String value) {
    List<Header> out = new ArrayList<>();
    for (Header h : headers) {
      if (!h.key().equals(CloudEventHeaders.ID) && !h.key().equals(name)) {
        out.add(h);
      }
    }
    out.add(header(CloudEventHeaders.ID, id));
    if (name != null) {
      out.add(header(name, value));
    }
    return out;
  }

  private static Optional<String> headerText(List<Header> headers, String name) {
    return headers.stream()
        .filter(h -> h.key().equals(name))
        .reduce((a, b) -> b)
        .map(h -> new String(h.value(), StandardCharsets.UTF_8));
  }

  private static String lastHeader(ConsumerRecord<?, ?> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  private static Header header(String name, String value) {
    return new RecordHeader(name, utf8(value));
  }

  private static String marker() {
    return "bad-input-" + java.util.UUID.randomUUID();
  }

  // ---- API and audit requests ----

  private void api() throws Exception {
    String approvals = up.managementBase() + "/api/v1/approvals";
    String token = up.token();
    Map<String, String> json = Map.of("Content-Type", "application/json");
    Map<String, String> signed =
        Map.of("Content-Type", "application/json", "Authorization", "Bearer " + token);
    String approval = "{\"resource\":\"" + TARGET + "/core/ConfigMap/bad/x\",\"revision\":\"abc\"}";
    status("API", "an approval without a token", 401, post(approvals, approval, json));
    status(
        "API",
        "an approval with a wrong token",
        401,
        post(
            approvals,
            approval,
            Map.of(
                "Content-Type", "application/json", "Authorization", "Bearer not-the-token-0123")));
    status("API", "an approval whose body is not JSON", 400, post(approvals, "not json", signed));
    status(
        "API",
        "an approval that names its own approver (approvedBy)",
        400,
        post(
            approvals,
            "{\"resource\":\""
                + TARGET
                + "/core/ConfigMap/bad/x\",\"revision\":\"abc\","
                + "\"approvedBy\":\"Mallory\"}",
            signed));
    status(
        "API",
        "an approval without a revision",
        400,
        post(approvals, "{\"resource\":\"" + TARGET + "/core/ConfigMap/bad/x\"}", signed));
    byte[] huge = new byte[20 * 1024 * 1024];
    java.util.Arrays.fill(huge, (byte) ' ');
    huge[0] = '{';
    huge[huge.length - 1] = '}';
    int hugeStatus = post(approvals, huge, signed);
    rows.add(
        new Row(
            "API",
            "an approval with a 20 MiB body",
            "413, or the connection closed before the body was read",
            "HTTP " + hugeStatus,
            hugeStatus == 413 || hugeStatus == -1));
    status(
        "API",
        "an approval with a foreign Host header (DNS rebinding)",
        421,
        rawPostWithHost(up.managementPort(), "evil.example", token, approval));
    status(
        "API",
        "an approval on the webhook port (approvals are served on the management port only)",
        404,
        post(up.httpBase() + "/api/v1/approvals", approval, signed));
    String audit = up.auditBase();
    status(
        "audit",
        "a question without the API token",
        401,
        send("GET", audit + "state?at=now", null, Map.of()));
    status(
        "audit",
        "state at a time that is not a time (`yesterday`)",
        400,
        get(audit + "state?at=yesterday"));
    status("audit", "state without a time", 400, get(audit + "state"));
    status(
        "audit",
        "changes with a month 13",
        400,
        get(audit + "changes?since=2026-13-01T00:00:00Z&until=now"));
    status(
        "audit",
        "history of a name that is not a resource (`a#b`)",
        400,
        get(audit + "history?resource=a%23b"));
    int unknown = get(audit + "history?resource=" + TARGET + "/nope/Nothing/none/missing");
    rows.add(
        new Row(
            "audit",
            "history of a well-formed resource that never existed",
            "200 with an empty history, or 404",
            "HTTP " + unknown,
            unknown == 200 || unknown == 404));
    status(
        "audit",
        "a POST to the read-only API",
        405,
        send("POST", audit + "state?at=now", new byte[0], Map.of()));
    status("audit", "an endpoint that does not exist", 404, get(audit + "nothing"));
  }

  private void status(String area, String input, int expected, int observed) {
    rows.add(new Row(area, input, "HTTP " + expected, "HTTP " + observed, expected == observed));
  }

  private int post(String url, String body, Map<String, String> headers) throws Exception {
    return post(url, utf8(body), headers);
  }

  private int post(String url, byte[] body, Map<String, String> headers) throws Exception {
    return send("POST", url, body, headers);
  }

  /** A GET with {@code up}'s API token, as the audit API under {@code up} requires. */
  private int get(String url) throws Exception {
    return send("GET", url, null, Map.of("Authorization", "Bearer " + up.token()));
  }

  /**
   * A POST with a Host header of the caller's choosing, written on a socket: Java's HTTP client
   * does not let a caller set Host. Returns the status code, or -1 when none came back.
   */
  private static int rawPostWithHost(int port, String host, String token, String body)
      throws Exception {
    byte[] bytes = utf8(body);
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
      socket.setSoTimeout(60_000);
      String head =
          "POST /api/v1/approvals HTTP/1.1\r\nHost: "
              + host
              + "\r\nAuthorization: Bearer "
              + token
              + "\r\nContent-Type: application/json\r\nContent-Length: "
              + bytes.length
              + "\r\nConnection: close\r\n\r\n";
      var out = socket.getOutputStream();
      out.write(utf8(head));
      out.write(bytes);
      out.flush();
      String status =
          new java.io.BufferedReader(
                  new java.io.InputStreamReader(
                      socket.getInputStream(), java.nio.charset.StandardCharsets.US_ASCII))
              .readLine();
      if (status == null) {
        return -1;
      }
      String[] parts = status.split(" ");
      return parts.length > 1 ? Integer.parseInt(parts[1]) : -1;
    }
  }

  private int send(String method, String url, byte[] body, Map<String, String> headers)
      throws Exception {
    var b =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(60))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(b::header);
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (java.io.IOException e) {
      // A server may close the connection on a body it refuses before reading it all.
      return -1;
    }
  }

  private static String hmac(String secret, String body) throws Exception {
    return hmac(secret, utf8(body));
  }

  private static String hmac(String secret, byte[] body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(utf8(secret), "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(body));
  }

  // ---- helpers ----

  private List<LoggedEvent> events(Topic topic) {
    try (LogReader reader = new LogReader(up.bootstrapServers())) {
      return reader.read(EnumSet.of(topic), null, null).stream()
          .filter(LoggedEvent::readable)
          .toList();
    }
  }

  private KubernetesClient client() throws Exception {
    return new KubernetesClientBuilder()
        .withConfig(Config.fromKubeconfig(Files.readString(up.kubeconfig())))
        .build();
  }

  private static String greeting(KubernetesClient kube, String name) {
    var cm = kube.configMaps().inNamespace("bad").withName(name).get();
    return cm == null || cm.getData() == null ? null : cm.getData().get("greeting");
  }

  private static String configMap(String name, String greeting) {
    return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: \""
        + name
        + "\"\n  namespace: bad\ndata:\n  greeting: "
        + greeting
        + "\n";
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String cut(String s, int max) {
    String one = s == null ? "" : s.replace('\n', ' ').replace("|", "\\|");
    return one.length() <= max ? one : one.substring(0, max) + "…";
  }

  private void writeReport() throws Exception {
    Files.createDirectories(REPORT);
    List<String> lines = new ArrayList<>();
    lines.add("| # | area | bad input | expected | observed | refused |");
    lines.add("|---|---|---|---|---|---|");
    int i = 0;
    for (Row r : rows) {
      lines.add(
          "| %d | %s | %s | %s | %s | %s |"
              .formatted(
                  ++i,
                  r.area(),
                  r.input(),
                  r.expected(),
                  cut(r.observed(), 220),
                  r.refused() ? "yes" : "**no**"));
    }
    Files.write(REPORT.resolve("bad-inputs.md"), lines);
    lines.forEach(l -> System.out.println("[bad-inputs] " + l));
  }
}
