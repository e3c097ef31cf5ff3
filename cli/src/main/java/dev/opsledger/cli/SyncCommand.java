package dev.opsledger.cli;

import dev.opsledger.events.ApplySkipped;
import dev.opsledger.events.EventCodec;
import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.Person;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.events.SyncApproved;
import dev.opsledger.kafka.KafkaConnection;
import dev.opsledger.kafka.KafkaRecords;
import dev.opsledger.kafka.KafkaSettings;
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

/** {@code opsledger sync RESOURCE|--all}: approves a manual sync as a SyncApproved event. */
@Command(
    name = "sync",
    description = "Approve a manual sync of one resource, or of every resource waiting for one.")
public class SyncCommand implements Callable<Integer> {

  @Mixin Connection connection;
  @Spec CommandSpec spec;

  @ArgGroup(multiplicity = "1")
  Target target;

  @Option(names = "--reason", description = "why, recorded in the log", defaultValue = "")
  String reason;

  @Option(
      names = "--as",
      description = "who approves (default: $USER)",
      defaultValue = "${env:USER:-unknown}")
  String approver;

  static class Target {
    @Parameters(paramLabel = "RESOURCE", description = "namespace/Kind/name, Kind/name or a key")
    String resource;

    @Option(names = "--all", description = "every resource waiting for approval")
    boolean all;
  }

  @Override
  public Integer call() throws Exception {
    KafkaConnection bootstrap = connection.kafka();
    CurrentState state = CurrentState.read(bootstrap);
    List<SyncApproved> approvals = new ArrayList<>();
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    Person who = new Person(approver, "");
    if (target.all) {
      for (ApplySkipped s : state.awaitingApproval().values()) {
        approvals.add(
            new SyncApproved(s.resource(), s.sourceId(), s.desiredRevision(), who, reason, now));
      }
    } else {
      ResourceKey key = ResourceNames.resolve(target.resource, state.keys());
      ApplySkipped waiting = state.awaitingApproval().get(key);
      approvals.add(
          new SyncApproved(
              key,
              waiting == null ? null : waiting.sourceId(),
              waiting == null ? null : waiting.desiredRevision(),
              who,
              reason,
              now));
    }
    var out = spec.commandLine().getOut();
    if (approvals.isEmpty()) {
      out.println("Nothing waits for approval.");
      return ExitCodes.OK;
    }
    EventCodec codec = new EventCodec();
    try (var producer = new KafkaProducer<String, byte[]>(KafkaSettings.producer(bootstrap))) {
      for (SyncApproved a : approvals) {
        String correlation = a.revision() == null ? "" : a.revision();
        var envelope = EventEnvelope.create("/opsledger/cli", correlation, a);
        producer
            .send(KafkaRecords.toProducerRecord(codec.encode(envelope)))
            .get(30, TimeUnit.SECONDS);
        out.println(
            "Approved sync of " + a.resource().shortName() + " (" + a.resource().target() + ")");
      }
    }
    out.flush();
    return ExitCodes.OK;
  }
}
