package dev.opsledger.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opsledger.audit.Answers.ResourceState;
import dev.opsledger.events.ApplySkipped;
import dev.opsledger.events.EventCodec;
import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.EventJson;
import dev.opsledger.events.Person;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.events.SyncApproved;
import dev.opsledger.kafka.KafkaConnection;
import dev.opsledger.kafka.KafkaRecords;
import dev.opsledger.kafka.KafkaSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code opsledger sync RESOURCE|--all}: approves a manual sync of each resource at its current
 * desired revision, and refuses a resource that has none.
 *
 * <p>With a token (the data directory's {@code api-token}, written by {@code opsledger up}, or
 * {@code --token-file}) the approval goes through the applier's authenticated approvals API, which
 * records the token's identity as the approver. Without one, with {@code --bootstrap-servers}, it
 * is written straight to {@code opsledger.approvals} as {@code --as} says: that is only as
 * trustworthy as the Kafka ACLs that let this client write there, and the command says so.
 */
@Command(
    name = "sync",
    description =
        "Approve a manual sync of one resource, or of every resource waiting for one, at its"
            + " current desired revision.")
public class SyncCommand implements Callable<Integer> {

  @Mixin Connection connection;
  @Spec CommandSpec spec;

  @ArgGroup(multiplicity = "1")
  Target target;

  @Option(names = "--reason", description = "why, recorded in the log", defaultValue = "")
  String reason;

  @Option(
      names = "--as",
      description =
          "who approves, only when writing to Kafka without a token (default: $USER); with a"
              + " token the approver is the token's identity")
  String approver;

  @Option(
      names = "--approvals-url",
      description =
          "the applier's approvals endpoint (default: the running instance's, see --data-dir)")
  String approvalsUrl;

  @Option(
      names = "--token-file",
      description = "file holding the approvals API token (default: <data-dir>/api-token)")
  Path tokenFile;

  static class Target {
    @Parameters(paramLabel = "RESOURCE", description = "namespace/Kind/name, Kind/name or a key")
    String resource;

    @Option(names = "--all", description = "every resource waiting for approval")
    boolean all;
  }

  /** One approval to make: a resource at its current desired revision. */
  record Wanted(ResourceKey resource, String sourceId, String revision) {}

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    boolean kafkaGiven =
        connection.bootstrapServers != null && !connection.bootstrapServers.isBlank();
    if (!kafkaGiven) {
      // Resolved once, so that the remembered instance is announced once.
      connection.dataDir = Instance.resolve(connection.dataDir);
    }
    // An explicit broker is not the data directory's instance: its token would approve elsewhere.
    String url =
        approvalsUrl != null
            ? approvalsUrl
            : kafkaGiven ? null : Instance.approvalsUrl(connection.dataDir);
    String token = url == null ? null : token();
    boolean viaApi = token != null;
    if (!viaApi && !kafkaGiven) {
      throw new CliException(
          ExitCodes.UNAVAILABLE,
          "no approvals API "
              + (url == null ? "endpoint" : "token")
              + " for "
              + connection.dataDir.toAbsolutePath()
              + ": start the instance with 'opsledger up', or give --approvals-url and"
              + " --token-file");
    }
    if (viaApi && approver != null) {
      throw new CliException(
          ExitCodes.USAGE,
          "--as cannot be used with a token: the approver is the token's identity");
    }
    CurrentState state = CurrentState.read(connection.kafka());
    List<Wanted> wanted = wanted(state, out);
    if (wanted.isEmpty()) {
      out.println("Nothing waits for approval.");
      out.flush();
      return ExitCodes.OK;
    }
    if (viaApi) {
      approveViaApi(URI.create(url), token, wanted, out);
    } else {
      approveViaKafka(connection.kafka(), wanted, out);
    }
    out.flush();
    return ExitCodes.OK;
  }

  /** What to approve: each resource at its current desired revision. */
  private List<Wanted> wanted(CurrentState state, PrintWriter out) {
    List<Wanted> wanted = new ArrayList<>();
    if (target.all) {
      for (ApplySkipped s : state.awaitingApproval().values()) {
        String revision = desiredRevision(state, s.resource());
        if (revision == null) {
          out.println("Skipped " + s.resource().shortName() + ": it has no desired revision.");
        } else {
          wanted.add(new Wanted(s.resource(), s.sourceId(), revision));
        }
      }
      return wanted;
    }
    ResourceKey key = ResourceNames.resolve(target.resource, state.keys());
    String revision = desiredRevision(state, key);
    if (revision == null) {
      throw new CliException(
          ExitCodes.UNAVAILABLE,
          key.shortName()
              + " has no desired revision on the log (Git never declared it): there is nothing"
              + " to approve. An approval names the revision it approves.");
    }
    ApplySkipped waiting = state.awaitingApproval().get(key);
    wanted.add(new Wanted(key, waiting == null ? null : waiting.sourceId(), revision));
    return wanted;
  }

  /**
   * The resource's current desired revision: the one Git declares it at, or the one that removed it
   * (approving that approves its prune); {@code null} when it has none.
   */
  private static String desiredRevision(CurrentState state, ResourceKey key) {
    return state.resources().stream()
        .filter(r -> r.resource().equals(key))
        .map(ResourceState::declaredRevision)
        .filter(r -> r != null && !r.isBlank())
        .findFirst()
        .orElse(null);
  }

  private String token() throws IOException {
    return ApiToken.read(tokenFile, connection.dataDir);
  }

  private void approveViaApi(URI url, String token, List<Wanted> wanted, PrintWriter out)
      throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    for (Wanted w : wanted) {
      var body = EventJson.mapper().createObjectNode();
      body.put("resource", w.resource().toString()).put("revision", w.revision());
      if (!reason.isBlank()) {
        body.put("reason", reason);
      }
      HttpResponse<String> response;
      try {
        response =
            http.send(
                HttpRequest.newBuilder(url)
                    .timeout(Duration.ofSeconds(60))
                    .header("Content-Type", "application/json")
                    .header("Authorization", "Bearer " + token)
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        throw new CliException(
            ExitCodes.UNAVAILABLE, "cannot reach the approvals API at " + url + ": " + e);
      }
      JsonNode answer = json(response.body());
      if (response.statusCode() != 202) {
        throw new CliException(
            ExitCodes.UNAVAILABLE,
            "the applier refused the approval of "
                + w.resource().shortName()
                + " ("
                + response.statusCode()
                + "): "
                + answer.path("error").asText(response.body()));
      }
      out.println(
          "Approved sync of "
              + w.resource().shortName()
              + " ("
              + w.resource().target()
              + ") at revision "
              + Printer.shortSha(w.revision())
              + " as "
              + answer.path("approvedBy").asText());
    }
  }

  private void approveViaKafka(KafkaConnection bootstrap, List<Wanted> wanted, PrintWriter out)
      throws Exception {
    String who = approver != null ? approver : System.getenv().getOrDefault("USER", "unknown");
    spec.commandLine()
        .getErr()
        .println(
            "note: no approvals API token: writing straight to Kafka as '"
                + who
                + "' (unauthenticated; give --approvals-url and --token-file to approve through"
                + " the applier)");
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    EventCodec codec = new EventCodec();
    try (var producer = new KafkaProducer<String, byte[]>(KafkaSettings.producer(bootstrap))) {
      for (Wanted w : wanted) {
        var approval =
            new SyncApproved(
                w.resource(), w.sourceId(), w.revision(), new Person(who, ""), reason, now);
        var envelope = EventEnvelope.create("/opsledger/cli", w.revision(), approval);
        producer
            .send(KafkaRecords.toProducerRecord(codec.encode(envelope)))
            .get(30, TimeUnit.SECONDS);
        out.println(
            "Approved sync of "
                + w.resource().shortName()
                + " ("
                + w.resource().target()
                + ") at revision "
                + Printer.shortSha(w.revision()));
      }
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
