package dev.opsledger.cli;

import static dev.opsledger.testkit.TestAwait.await;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import com.fasterxml.jackson.databind.node.TextNode;
import com.sun.net.httpserver.HttpServer;
import dev.opsledger.audit.LogReader;
import dev.opsledger.audit.LoggedEvent;
import dev.opsledger.events.ApplyFailed;
import dev.opsledger.events.CommitRejected;
import dev.opsledger.events.DriftDetected;
import dev.opsledger.events.Topic;
import dev.opsledger.sandbox.kubernetes.Admission;
import dev.opsledger.sandbox.kubernetes.KubernetesEmulator;
import dev.opsledger.testkit.CanaryScan;
import dev.opsledger.testkit.GitFixture;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A plaintext canary never appears (issue 14, point 3). Secrets carrying canary values in every
 * shape a repository and a cluster can give them go through the whole pipeline as {@code opsledger
 * up} runs it; an admission webhook echoes two of them back in an API error, plain, base64 and
 * JSON-escaped; one is edited live and healed; three reach Git in shapes that are refused. Then
 * every topic (bodies, keys, headers, {@code .dlq}), the log file, the Slack and webhook payloads,
 * the audit API's answers and every CLI command's output are grepped for every canary, in every
 * form: zero hits.
 *
 * <p>The canaries are letters of scripts no message holds by chance, so that even a one-character
 * value can be grepped for.
 */
class CanaryE2E {

  private static final String TARGET = "canary";

  // Each canary is a shape of Secret value; the comment says which.
  static final String DATA_LONG = "cnry-data-ᚠ01"; // data, base64 in Git
  static final String SD_LONG = "cnry-sd-ᚢ02"; // stringData
  static final String ONE = "𓂀"; // one character (four UTF-8 bytes)
  static final String TWO = "ᚦᚨ"; // two characters
  static final String THREE_QUOTE = "ᚱ\"ᚲ"; // three characters, one of them a quote
  static final String THREE_ANGLE = "<ᚷ>"; // three characters in data; Go escapes < and >
  static final String MULTI_LINE = "first line ᚹ-07\nsecond line\n"; // a block scalar
  static final String MULTI_FIRST = "first line ᚹ-07";
  static final String ESCAPES = "tab\there\\back ᚺ-08"; // a tab and a backslash
  static final String ANNOTATION = "cnry-last-applied-ᚾ09"; // in last-applied-configuration
  static final String IN_LIST = "cnry-list-ᛁ10"; // a Secret inside a kind: List
  static final String IN_JSON = "cnry-json-ᛃ11"; // a Secret in a .json manifest
  static final String SHADOWED = "cnry-shadowed-ᛇ12"; // data overridden by stringData
  static final String WINS = "cnry-wins-ᛈ12";
  static final String ECHO_LONG = "ech\"o\\ᛉ-13"; // echoed by an admission webhook
  static final String ECHO_SHORT = "ᛊᛏ"; // echoed too, two characters
  static final String LIVE_EDIT = "cnry-live-ᛒ15"; // written live, healed
  static final String LIVE_ONLY = "cnry-live-only-ᛖ16"; // a Secret Git never declared
  static final String LOWERCASE_KIND = "cnry-lowercase-ᛗ17"; // kind: secret, refused
  static final String BROKEN_YAML = "cnry-broken-ᛚ18"; // on the line YAML cannot parse
  static final String DATA_LIST = "cnry-data-list-ᛜ19"; // data given as a list, refused

  static final List<String> CANARIES =
      List.of(
          DATA_LONG,
          SD_LONG,
          ONE,
          TWO,
          THREE_QUOTE,
          THREE_ANGLE,
          MULTI_LINE,
          MULTI_FIRST,
          ESCAPES,
          ANNOTATION,
          IN_LIST,
          IN_JSON,
          SHADOWED,
          WINS,
          ECHO_LONG,
          ECHO_SHORT,
          LIVE_EDIT,
          LIVE_ONLY,
          LOWERCASE_KIND,
          BROKEN_YAML,
          DATA_LIST);

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;

  private final List<String> slack = new CopyOnWriteArrayList<>();
  private final List<String> webhook = new CopyOnWriteArrayList<>();

  @Test
  void noCanaryReachesTheLogTheLogFileNotificationsTheAuditApiOrTheCli() throws Exception {
    CanaryScan scan = CanaryScan.of(CANARIES);
    HttpServer receivers = receivers();
    Path logFile = dir.resolve("opsledger.log");
    FileAppender<ILoggingEvent> log = logTo(logFile);
    Level rootLevel = rootLogger().getLevel();
    rootLogger().setLevel(Level.INFO);
    try (GitFixture git = GitFixture.create(dir.resolve("git"));
        KubernetesEmulator cluster =
            KubernetesEmulator.builder().admission(echoingWebhook()).start()) {
      Path kubeconfig = cluster.writeKubeconfig(dir.resolve("kubeconfig"));
      Launcher.Running running = launch(git, kubeconfig, receivers);
      try {
        String sha = drivePipeline(git, cluster.client(), running);
        scan.topics(running.bootstrapServers())
            .texts("Slack payload", slack)
            .texts("webhook payload", webhook)
            .texts("audit API", auditAnswers(running, sha))
            .texts("CLI", cliOutputs(running, sha));
        log.stop();
        scan.file(logFile);

        System.out.println(
            "CanaryE2E scanned " + scan.scanned() + " for " + scan.forms().size() + " forms");
        assertThat(scan.scanned())
            .containsKeys("records of opsledger.desired", "records of opsledger.applies", "files");
        scan.assertClean();
      } finally {
        running.close();
      }
    } finally {
      log.stop();
      rootLogger().detachAppender(log);
      rootLogger().setLevel(rootLevel);
      receivers.stop(0);
    }
  }

  private String drivePipeline(GitFixture git, KubernetesClient client, Launcher.Running running) {
    String sha =
        git.commit("Secrets in every shape")
            .write(
                "vault/namespace.yaml",
                "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: vault\n")
            .write("vault/shapes.yaml", shapes())
            .write("vault/list.yaml", list())
            .write("vault/json-secret.json", jsonSecret())
            .write("vault/multi.yaml", multiDocument())
            .write("vault/echo.yaml", echo())
            .push();

    await("every Secret is in the cluster with its plain values")
        .atMost(Duration.ofSeconds(120))
        .until(
            () ->
                Map.of(
                            "data-long", DATA_LONG,
                            "sd-long", SD_LONG,
                            "one", ONE,
                            "two", TWO,
                            "three", THREE_QUOTE,
                            "angle", THREE_ANGLE,
                            "multi", MULTI_LINE,
                            "escapes", ESCAPES)
                        .equals(values(client, "shapes"))
                    && Map.of("token", IN_LIST).equals(values(client, "in-list"))
                    && Map.of("token", IN_JSON).equals(values(client, "in-json"))
                    && Map.of("k", WINS).equals(values(client, "shadowed")));
    await("the webhook's denial of the echo Secret is on the log")
        .until(
            () ->
                events(running, Topic.APPLIES).stream()
                    .anyMatch(
                        e ->
                            e.data() instanceof ApplyFailed f
                                && f.resource().name().equals("echo")
                                && f.message().contains("denied the request")));

    client
        .secrets()
        .inNamespace("vault")
        .withName("shapes")
        .edit(
            s -> {
              s.getData().put("data-long", base64(LIVE_EDIT));
              return s;
            });
    client
        .secrets()
        .inNamespace("vault")
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("live-only")
                .withNamespace("vault")
                .endMetadata()
                .addToData("token", base64(LIVE_ONLY))
                .build())
        .create();
    await("the live edit is detected as drift")
        .until(
            () ->
                events(running, Topic.DIFFS).stream()
                    .anyMatch(
                        e ->
                            e.data() instanceof DriftDetected d
                                && d.resource().name().equals("shapes")));
    await("the live edit is healed")
        .atMost(Duration.ofSeconds(90))
        .until(() -> DATA_LONG.equals(values(client, "shapes").get("data-long")));

    String rejected =
        git.commit("Secrets in shapes that must be refused")
            .write("vault/lowercase.yaml", secret("lowercase", "secret", "token", LOWERCASE_KIND))
            .write(
                "vault/broken.yaml",
                "apiVersion: v1\nkind: Secret\nmetadata:\n  name: broken\n  namespace: vault\n"
                    + "stringData:\n  token: \""
                    + BROKEN_YAML
                    + "\n")
            .write(
                "vault/data-list.yaml",
                "apiVersion: v1\nkind: Secret\nmetadata:\n  name: data-list\n  namespace: vault\n"
                    + "data:\n  - "
                    + json(base64(DATA_LIST))
                    + "\n  - "
                    + json(DATA_LIST)
                    + "\n")
            .push();
    await("the commit is rejected")
        .until(
            () ->
                events(running, Topic.COMMITS).stream()
                    .anyMatch(
                        e -> e.data() instanceof CommitRejected r && r.sha().equals(rejected)));
    git.commit("Drop the refused Secrets")
        .delete("vault/lowercase.yaml")
        .delete("vault/broken.yaml")
        .delete("vault/data-list.yaml")
        .push();

    await("Slack and the webhook heard of the drift, the failure and the rejection")
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                slack.stream().anyMatch(m -> m.contains("echo"))
                    && slack.stream().anyMatch(m -> m.contains("shapes"))
                    && webhook.stream().anyMatch(m -> m.contains("denied the request"))
                    && webhook.stream().anyMatch(m -> m.contains(rejected)));
    return sha;
  }

  // --- the shapes -------------------------------------------------------------------------

  private static String shapes() {
    String lastApplied =
        "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"stringData\":{\"sd-long\":"
            + json(ANNOTATION)
            + "}}";
    return "apiVersion: v1\nkind: Secret\nmetadata:\n  name: shapes\n  namespace: vault\n"
        + "  annotations:\n    kubectl.kubernetes.io/last-applied-configuration: "
        + json(lastApplied)
        + "\ntype: Opaque\ndata:\n"
        + "  data-long: "
        + base64(DATA_LONG)
        + "\n  angle: "
        + base64(THREE_ANGLE)
        + "\nstringData:\n"
        + "  sd-long: "
        + json(SD_LONG)
        + "\n  one: "
        + json(ONE)
        + "\n  two: "
        + json(TWO)
        + "\n  three: "
        + json(THREE_QUOTE)
        + "\n  escapes: "
        + json(ESCAPES)
        + "\n  multi: |\n    first line ᚹ-07\n    second line\n";
  }

  private static String list() {
    return "apiVersion: v1\nkind: List\nitems:\n"
        + "  - apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: beside, namespace: vault}\n"
        + "    data: {a: b}\n"
        + "  - apiVersion: v1\n    kind: Secret\n    metadata: {name: in-list, namespace: vault}\n"
        + "    stringData:\n      token: "
        + json(IN_LIST)
        + "\n";
  }

  private static String jsonSecret() {
    return "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"in-json\","
        + "\"namespace\":\"vault\"},\"data\":{\"token\":"
        + json(base64(IN_JSON))
        + "}}\n";
  }

  private static String multiDocument() {
    return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: first\n  namespace: vault\n"
        + "data:\n  a: b\n---\n"
        + "apiVersion: v1\nkind: Secret\nmetadata:\n  name: shadowed\n  namespace: vault\n"
        + "data:\n  k: "
        + base64(SHADOWED)
        + "\nstringData:\n  k: "
        + json(WINS)
        + "\n";
  }

  private static String echo() {
    return "apiVersion: v1\nkind: Secret\nmetadata:\n  name: echo\n  namespace: vault\n"
        + "stringData:\n  long: "
        + json(ECHO_LONG)
        + "\n  short: "
        + json(ECHO_SHORT)
        + "\n";
  }

  private static String secret(String name, String kind, String key, String value) {
    return "apiVersion: v1\nkind: "
        + kind
        + "\nmetadata:\n  name: "
        + name
        + "\n  namespace: vault\nstringData:\n  "
        + key
        + ": "
        + json(value)
        + "\n";
  }

  /**
   * An admission webhook that denies the Secret {@code echo} and echoes its values back every way a
   * policy engine might: plain and quoted, base64 as sent, and the decoded data as JSON.
   */
  private static Admission echoingWebhook() {
    return (method, path, body) -> {
      if (!path.endsWith("/secrets/echo")) {
        return Optional.empty();
      }
      return Optional.of(
          "values must not contain quotes: \""
              + ECHO_LONG
              + "\" and \""
              + ECHO_SHORT
              + "\" (sent as "
              + base64(ECHO_LONG)
              + ", "
              + base64(ECHO_SHORT)
              + "); decoded data: {\"long\":"
              + json(ECHO_LONG)
              + ",\"short\":"
              + json(ECHO_SHORT)
              + "}");
    };
  }

  // --- what is scanned --------------------------------------------------------------------

  private List<String> auditAnswers(Launcher.Running running, String sha) throws Exception {
    List<String> out = new ArrayList<>();
    for (String name : List.of("shapes", "in-list", "in-json", "shadowed", "echo", "live-only")) {
      String key = TARGET + "/core/Secret/vault/" + name;
      out.add(get(running.auditUrl() + "history?resource=" + encode(key)));
    }
    out.add(get(running.auditUrl() + "state?at=now"));
    out.add(get(running.auditUrl() + "timeline?sha=" + sha));
    out.add(get(running.auditUrl() + "changes?since=1h"));
    assertThat(out).allSatisfy(a -> assertThat(a).isNotBlank());
    return out;
  }

  private List<String> cliOutputs(Launcher.Running running, String sha) {
    String data = running.dataDir().toString();
    List<List<String>> commands = new ArrayList<>();
    commands.add(List.of("status"));
    commands.add(List.of("status", "-o", "json"));
    commands.add(List.of("diff"));
    commands.add(List.of("diff", "-o", "json"));
    for (String name : List.of("shapes", "in-list", "in-json", "shadowed", "echo", "live-only")) {
      commands.add(List.of("diff", "vault/Secret/" + name, "-o", "json"));
      commands.add(List.of("audit", "history", "vault/Secret/" + name));
      commands.add(List.of("audit", "history", "vault/Secret/" + name, "-o", "json"));
    }
    commands.add(List.of("audit", "state-at", "now"));
    commands.add(List.of("audit", "state-at", "now", "-o", "json"));
    commands.add(List.of("audit", "timeline", sha));
    commands.add(List.of("audit", "timeline", sha, "-o", "json"));
    commands.add(List.of("audit", "who", "--since", "1h"));
    commands.add(List.of("audit", "who", "--since", "1h", "-o", "json"));
    for (Topic t : Topic.values()) {
      commands.add(List.of("replay", "--topic", t.topicName()));
      commands.add(List.of("replay", "--topic", t.topicName(), "-o", "json"));
    }
    List<String> out = new ArrayList<>();
    for (List<String> c : commands) {
      List<String> args = new ArrayList<>(c);
      args.add("--data-dir");
      args.add(data);
      StringWriter stdout = new StringWriter();
      StringWriter stderr = new StringWriter();
      var cl = OpsLedgerCli.commandLine();
      cl.setOut(new PrintWriter(stdout, true));
      cl.setErr(new PrintWriter(stderr, true));
      int code = cl.execute(args.toArray(String[]::new));
      assertThat(code).as("%s: %s", c, stderr).isIn(ExitCodes.OK, ExitCodes.DRIFT);
      out.add(String.join(" ", c) + "\n" + stdout + stderr);
    }
    return out;
  }

  // --- fixtures ---------------------------------------------------------------------------

  private HttpServer receivers() throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/slack", ex -> capture(ex, slack));
    server.createContext("/webhook", ex -> capture(ex, webhook));
    server.start();
    return server;
  }

  private static void capture(com.sun.net.httpserver.HttpExchange ex, List<String> into)
      throws IOException {
    StringBuilder request = new StringBuilder();
    ex.getRequestHeaders().forEach((k, v) -> request.append(k).append(": ").append(v).append('\n'));
    request.append(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    into.add(request.toString());
    ex.sendResponseHeaders(200, 2);
    ex.getResponseBody().write("ok".getBytes(StandardCharsets.UTF_8));
    ex.close();
  }

  private Launcher.Running launch(GitFixture git, Path kubeconfig, HttpServer receivers)
      throws IOException {
    String base = "http://127.0.0.1:" + receivers.getAddress().getPort();
    Map<String, Object> extra = new HashMap<>();
    extra.put("opsledger.notifier.dedupe-window", "1s");
    extra.put("opsledger.notifier.channels.hook.type", "webhook");
    extra.put("opsledger.notifier.channels.hook.url", base + "/webhook");
    extra.put("opsledger.notifier.channels.hook.secret", "hook-secret");
    return Launcher.start(
        new Launcher.Settings(
            dir.resolve("data"),
            git.remoteUrl(),
            "main",
            "",
            kubeconfig,
            null,
            TARGET,
            true,
            true,
            true,
            0,
            0,
            0,
            0,
            0,
            "1s",
            base + "/slack",
            extra));
  }

  private static FileAppender<ILoggingEvent> logTo(Path file) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    // As up's logback.xml writes opsledger.log, stack traces included.
    encoder.setPattern("%d{ISO8601} %-5level [%thread] %logger{36} - %msg%n");
    encoder.start();
    FileAppender<ILoggingEvent> appender = new FileAppender<>();
    appender.setContext(context);
    appender.setFile(file.toString());
    appender.setEncoder(encoder);
    appender.start();
    rootLogger().addAppender(appender);
    return appender;
  }

  private static ch.qos.logback.classic.Logger rootLogger() {
    return ((LoggerContext) LoggerFactory.getILoggerFactory())
        .getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }

  private static Map<String, String> values(KubernetesClient client, String name) {
    Secret s = client.secrets().inNamespace("vault").withName(name).get();
    Map<String, String> out = new LinkedHashMap<>();
    if (s != null && s.getData() != null) {
      s.getData()
          .forEach(
              (k, v) ->
                  out.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
    }
    return out;
  }

  private static List<LoggedEvent> events(Launcher.Running running, Topic topic) {
    try (LogReader reader = new LogReader(running.bootstrapServers())) {
      return reader.read(EnumSet.of(topic), null, null).stream()
          .filter(LoggedEvent::readable)
          .toList();
    }
  }

  private static String get(String url) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(url)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    return url + " -> " + r.statusCode() + "\n" + r.headers().map() + "\n" + r.body();
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static String base64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  static String json(String s) {
    return TextNode.valueOf(s).toString();
  }
}
