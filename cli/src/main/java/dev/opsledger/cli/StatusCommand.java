package dev.opsledger.cli;

import dev.opsledger.audit.Answers.ResourceState;
import dev.opsledger.events.ApplySkipped;
import dev.opsledger.events.DiffState;
import dev.opsledger.events.SkipPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code opsledger status}: every resource with its sync state, health, revision and last apply.
 */
@Command(
    name = "status",
    description = "Every resource with its sync state, health, declared revision and last apply.")
public class StatusCommand implements Callable<Integer> {

  @Mixin Connection connection;
  @Mixin OutputFormat output;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    CurrentState state = CurrentState.read(connection.kafka());
    var out = spec.commandLine().getOut();
    if (output.json()) {
      Printer.json(out, state.resources());
      return ExitCodes.OK;
    }
    List<List<String>> rows = new ArrayList<>();
    for (ResourceState r : state.resources()) {
      rows.add(
          List.of(
              r.resource().shortName(),
              r.resource().target(),
              r.syncState(),
              r.health(),
              r.declared() ? Printer.shortSha(r.declaredRevision()) : "(not declared)",
              r.observed(),
              r.lastApply() == null ? "-" : r.lastApply()));
    }
    Printer.table(
        out,
        List.of("RESOURCE", "TARGET", "SYNC", "HEALTH", "REVISION", "LIVE", "LAST APPLY"),
        rows);
    for (ResourceState r : state.resources()) {
      ApplySkipped left = state.leftAsIs().get(r.resource());
      if (left != null && !DiffState.IN_SYNC.label().equals(r.syncState())) {
        out.println(
            "note: "
                + r.resource().shortName()
                + " is "
                + r.syncState()
                + (left.skipPolicy().map(SkipPolicy::waitsForOrder).orElse(false)
                    ? " and waits ("
                    : " and not healed (")
                + left.policy()
                + "): "
                + left.detail());
      }
    }
    state.warnings().forEach(w -> out.println("warning: " + w));
    return ExitCodes.OK;
  }
}
