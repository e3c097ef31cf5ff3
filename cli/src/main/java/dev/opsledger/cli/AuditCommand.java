package dev.opsledger.cli;

import dev.opsledger.audit.Answers.Change;
import dev.opsledger.audit.Answers.HistoryEntry;
import dev.opsledger.audit.Answers.ResourceState;
import dev.opsledger.audit.Answers.TimelineStep;
import dev.opsledger.audit.AuditService;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.kafka.KafkaConnection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code opsledger audit history|state-at|timeline|who}: answers from the log. */
@Command(
    name = "audit",
    description =
        "Answers from the log: history, state at a time, a commit's timeline, who changed what.",
    subcommands = {
      AuditCommand.History.class,
      AuditCommand.StateAt.class,
      AuditCommand.Timeline.class,
      AuditCommand.Who.class
    })
public class AuditCommand {

  /** {@code audit history RESOURCE}. */
  @Command(name = "history", description = "Everything that happened to one resource.")
  static class History implements Callable<Integer> {
    @Mixin Connection connection;
    @Mixin OutputFormat output;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "RESOURCE", description = "namespace/Kind/name, Kind/name or a key")
    String resource;

    @Option(names = "--since", description = "from this time (RFC 3339 or an age like 2h)")
    String since;

    @Option(names = "--until", description = "up to this time")
    String until;

    @Override
    public Integer call() {
      KafkaConnection bootstrap = connection.kafka();
      // A full key needs no look-up: the history then reads one partition per topic and no more.
      ResourceKey key = ResourceNames.resolve(resource, () -> CurrentState.read(bootstrap).keys());
      Instant now = Instant.now();
      var history =
          new AuditService(bootstrap)
              .history(key, Times.parse(since, now), Times.parse(until, now));
      var out = spec.commandLine().getOut();
      if (output.json()) {
        Printer.json(out, history);
        return ExitCodes.OK;
      }
      List<List<String>> rows = new ArrayList<>();
      for (HistoryEntry e : history.entries()) {
        rows.add(
            List.of(
                e.time().toString(),
                e.type().substring("dev.opsledger.".length()),
                e.author() == null ? "-" : e.author().name(),
                e.pullRequest() == null ? "-" : "#" + e.pullRequest().number(),
                e.summary()));
      }
      Printer.table(out, List.of("TIME", "EVENT", "AUTHOR", "PR", "WHAT"), rows);
      for (String u : history.unreadable()) {
        out.println("unreadable record: " + u);
      }
      out.flush();
      return ExitCodes.OK;
    }
  }

  /** {@code audit state-at TIME}. */
  @Command(name = "state-at", description = "Every resource as it was at a time.")
  static class StateAt implements Callable<Integer> {
    @Mixin Connection connection;
    @Mixin OutputFormat output;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "TIME", description = "RFC 3339 instant, or an age like 2h")
    String time;

    @Override
    public Integer call() {
      Instant at = Times.parse(time, Instant.now());
      var state = new AuditService(connection.kafka()).stateAt(at);
      var out = spec.commandLine().getOut();
      if (output.json()) {
        Printer.json(out, state);
        return ExitCodes.OK;
      }
      List<List<String>> rows = new ArrayList<>();
      for (ResourceState r : state.resources()) {
        rows.add(
            List.of(
                r.resource().shortName(),
                r.resource().target(),
                r.declared() ? Printer.shortSha(r.declaredRevision()) : "(not declared)",
                r.author() == null ? "-" : r.author().name(),
                r.observed(),
                r.syncState()));
      }
      out.println("State at " + at + ":");
      Printer.table(out, List.of("RESOURCE", "TARGET", "REVISION", "AUTHOR", "LIVE", "SYNC"), rows);
      return ExitCodes.OK;
    }
  }

  /** {@code audit timeline SHA}. */
  @Command(
      name = "timeline",
      description = "How one commit went: commit → desired → diff → apply → in sync.")
  static class Timeline implements Callable<Integer> {
    @Mixin Connection connection;
    @Mixin OutputFormat output;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "SHA", description = "the commit")
    String sha;

    @Override
    public Integer call() {
      var timeline = new AuditService(connection.kafka()).timeline(sha);
      var out = spec.commandLine().getOut();
      if (timeline.steps().isEmpty()) {
        throw new CliException(ExitCodes.UNAVAILABLE, "no event in the log is about commit " + sha);
      }
      if (output.json()) {
        Printer.json(out, timeline);
        return ExitCodes.OK;
      }
      out.println(
          "Commit "
              + sha
              + (timeline.author() == null ? "" : " by " + timeline.author())
              + (timeline.pullRequest() == null
                  ? ""
                  : " (PR #" + timeline.pullRequest().number() + ")"));
      List<List<String>> rows = new ArrayList<>();
      for (TimelineStep s : timeline.steps()) {
        rows.add(
            List.of(
                "+" + s.sinceCommitMillis() + " ms",
                s.type().substring("dev.opsledger.".length()),
                s.subject(),
                s.summary()));
      }
      Printer.table(out, List.of("AFTER", "EVENT", "SUBJECT", "WHAT"), rows);
      out.println(
          "first desired: "
              + ms(timeline.firstDesiredMillis())
              + ", first diff: "
              + ms(timeline.firstDiffMillis())
              + ", first apply: "
              + ms(timeline.firstApplyMillis())
              + ", all in sync: "
              + ms(timeline.allInSyncMillis())
              + ", all healthy: "
              + ms(timeline.allHealthyMillis()));
      out.flush();
      return ExitCodes.OK;
    }

    private static String ms(long v) {
      return v < 0 ? "never" : v + " ms";
    }
  }

  /** {@code audit who --since --until}. */
  @Command(name = "who", description = "Who changed what in a time range.")
  static class Who implements Callable<Integer> {
    @Mixin Connection connection;
    @Mixin OutputFormat output;
    @Spec CommandSpec spec;

    @Option(names = "--since", required = true, description = "RFC 3339 instant, or an age like 7d")
    String since;

    @Option(names = "--until", defaultValue = "now", description = "default: now")
    String until;

    @Override
    public Integer call() {
      Instant now = Instant.now();
      List<Change> changes =
          new AuditService(connection.kafka())
              .who(Times.parse(since, now), Times.parse(until, now));
      var out = spec.commandLine().getOut();
      if (output.json()) {
        Printer.json(out, changes);
        return ExitCodes.OK;
      }
      List<List<String>> rows = new ArrayList<>();
      for (Change c : changes) {
        rows.add(
            List.of(
                c.time().toString(),
                c.kind(),
                c.who() == null ? "-" : c.who().toString(),
                Printer.shortSha(c.revision()) == null ? "-" : Printer.shortSha(c.revision()),
                c.pullRequest() == null ? "-" : "#" + c.pullRequest().number(),
                c.resources().size() + " resource(s)",
                c.message()));
      }
      Printer.table(
          out, List.of("TIME", "WHAT", "WHO", "REVISION", "PR", "RESOURCES", "MESSAGE"), rows);
      return ExitCodes.OK;
    }
  }
}
