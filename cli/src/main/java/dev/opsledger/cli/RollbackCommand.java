package dev.opsledger.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opsledger.events.EventJson;
import dev.opsledger.events.ResourceKey;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code opsledger rollback SOURCE|RESOURCE --to SHA|TIME}: applies the state a source (or one
 * resource) had at an earlier revision, taken from the log, without a commit, as Argo CD's rollback
 * does. Auto-sync of what it touched pauses until Git moves (a new revision of the source).
 *
 * <p>It asks the applier's management API ({@code POST /api/v1/rollbacks}) with the data
 * directory's token, or {@code --token-file}: the applier plans from the log, records who asked
 * (the token's identity) and acts. There is no unauthenticated path straight to Kafka, as there is
 * for {@code sync}: a rollback writes to the cluster.
 */
@Command(
    name = "rollback",
    description =
        "Apply the state a source (or one resource) had at an earlier revision, from the log,"
            + " without a commit; auto-sync of what it touched pauses until Git moves.")
public class RollbackCommand implements Callable<Integer> {

  @Mixin Connection connection;
  @Spec CommandSpec spec;

  @Parameters(
      paramLabel = "SOURCE|RESOURCE",
      description = "a source id, or a resource as namespace/Kind/name, Kind/name or its full key")
  String scope;

  @Option(
      names = "--to",
      required = true,
      paramLabel = "SHA|TIME",
      description =
          "the revision: a SHA or a unique prefix (4+ hex digits), or a time (RFC 3339, 'now', an"
              + " age like 2h) whose revision it is")
  String to;

  @Option(names = "--reason", description = "why, recorded in the log", defaultValue = "")
  String reason;

  @Option(
      names = "--rollbacks-url",
      description =
          "the applier's rollbacks endpoint (default: the running instance's, see --data-dir)")
  String rollbacksUrl;

  @Option(
      names = "--token-file",
      description = "file holding the management API token (default: <data-dir>/api-token)")
  Path tokenFile;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    boolean kafkaGiven =
        connection.bootstrapServers != null && !connection.bootstrapServers.isBlank();
    if (!kafkaGiven) {
      connection.dataDir = Instance.resolve(connection.dataDir);
    }
    String url = rollbacksUrl != null ? rollbacksUrl : kafkaGiven ? null : defaultUrl();
    String token = url == null ? null : token();
    if (url == null || token == null) {
      throw new CliException(
          ExitCodes.UNAVAILABLE,
          "no management API "
              + (url == null ? "endpoint" : "token")
              + (kafkaGiven ? "" : " for " + connection.dataDir.toAbsolutePath())
              + ": start the instance with 'opsledger up', or give --rollbacks-url and"
              + " --token-file");
    }
    var body = EventJson.mapper().createObjectNode();
    if (scope.contains("/")) {
      ResourceKey key =
          ResourceNames.resolve(scope, () -> CurrentState.read(connection.kafka()).keys());
      body.put("resource", key.toString());
    } else {
      body.put("sourceId", scope);
    }
    if (isTime(to)) {
      body.put("at", Times.parse(to, Instant.now()).toString());
    } else {
      body.put("revision", to);
    }
    if (!reason.isBlank()) {
      body.put("reason", reason);
    }
    JsonNode answer = post(URI.create(url), token, body.toString());
    print(answer, out);
    out.flush();
    return ExitCodes.OK;
  }

  /**
   * Whether {@code --to} names a time: {@code now}, an age, or an RFC 3339 instant; anything else
   * is a SHA or a prefix of one.
   */
  static boolean isTime(String text) {
    String t = text.trim();
    return t.equals("now") || t.matches("\\d+[smhd]") || t.contains(":");
  }

  private String defaultUrl() {
    String approvals = Instance.approvalsUrl(connection.dataDir);
    return approvals == null ? null : approvals.replace("/api/v1/approvals", "/api/v1/rollbacks");
  }

  private String token() throws IOException {
    return ApiToken.read(tokenFile, connection.dataDir);
  }

  private static JsonNode post(URI url, String token, String body) throws InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    HttpResponse<String> response;
    try {
      response =
          http.send(
              HttpRequest.newBuilder(url)
                  .timeout(Duration.ofSeconds(120))
                  .header("Content-Type", "application/json")
                  .header("Authorization", "Bearer " + token)
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new CliException(
          ExitCodes.UNAVAILABLE, "cannot reach the management API at " + url + ": " + e);
    }
    JsonNode answer = json(response.body());
    if (response.statusCode() != 202) {
      throw new CliException(
          exitCode(response.statusCode()),
          "the applier refused the rollback ("
              + response.statusCode()
              + "): "
              + answer.path("error").asText(response.body()));
    }
    return answer;
  }

  /**
   * 400 (a malformed request) and 409 (an ambiguous prefix, or nothing to roll back) are the
   * caller's to fix: usage; the rest (unknown revision, no token, unreachable) mean the thing
   * cannot be done.
   */
  private static int exitCode(int status) {
    return status == 400 || status == 409 ? ExitCodes.USAGE : ExitCodes.UNAVAILABLE;
  }

  private static void print(JsonNode answer, PrintWriter out) {
    String source = answer.path("sourceId").asText();
    out.println(
        "Rolled back "
            + answer.path("rolledBack").size()
            + " resource(s) of source "
            + source
            + " to revision "
            + Printer.shortSha(answer.path("targetRevision").asText())
            + " as "
            + answer.path("requestedBy").asText()
            + ":");
    answer.path("rolledBack").forEach(k -> out.println("  " + shortName(k.asText())));
    for (JsonNode left : answer.path("leftAsIs")) {
      out.println(
          "Left as is: "
              + shortName(left.path("resource").asText())
              + ": "
              + left.path("why").asText());
    }
    if (!answer.path("unchanged").isEmpty()) {
      out.println(
          answer.path("unchanged").size()
              + " resource(s) are declared there as at Git's head: not touched.");
    }
    out.println(
        "Auto-sync of what was rolled back is paused until Git moves (a new revision of source "
            + source
            + " takes over); 'opsledger status' shows it.");
  }

  private static String shortName(String key) {
    try {
      return ResourceKey.parse(key).shortName();
    } catch (IllegalArgumentException e) {
      return key;
    }
  }

  private static JsonNode json(String body) {
    try {
      return EventJson.mapper().readTree(body);
    } catch (IOException e) {
      return EventJson.mapper().createObjectNode();
    }
  }
}
