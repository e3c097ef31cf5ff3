package dev.opsledger.cli;

import dev.opsledger.events.DriftDetected;
import dev.opsledger.events.ResourceKey;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code opsledger diff [RESOURCE]}: the current drift; exit code 1 when there is any. */
@Command(
    name = "diff",
    description = "The current drift of one resource or of all; exits 1 when there is drift.")
public class DiffCommand implements Callable<Integer> {

  @Mixin Connection connection;
  @Mixin OutputFormat output;
  @Spec CommandSpec spec;

  @Parameters(
      arity = "0..1",
      paramLabel = "RESOURCE",
      description = "namespace/Kind/name, Kind/name or a full resource key")
  String resource;

  @Override
  public Integer call() {
    CurrentState state = CurrentState.read(connection.kafka());
    Map<ResourceKey, DriftDetected> drift = state.drift();
    if (resource != null) {
      ResourceKey key = ResourceNames.resolve(resource, state.keys());
      drift = drift.containsKey(key) ? Map.of(key, drift.get(key)) : Map.of();
    }
    List<DriftDetected> sorted =
        drift.values().stream()
            .sorted(Comparator.comparing(d -> d.resource().toString()))
            .collect(Collectors.toList());
    var out = spec.commandLine().getOut();
    if (output.json()) {
      Printer.json(out, sorted);
    } else if (sorted.isEmpty()) {
      out.println(resource == null ? "No drift." : "No drift for " + resource + ".");
    } else {
      for (DriftDetected d : sorted) {
        out.println(
            "--- "
                + d.resource().shortName()
                + " ("
                + d.resource().target()
                + ") desired "
                + Printer.shortSha(d.desiredRevision())
                + ", detected "
                + d.detectedAt());
        out.println(d.diff().stripTrailing());
        out.println();
      }
      out.flush();
    }
    return sorted.isEmpty() ? ExitCodes.OK : ExitCodes.DRIFT;
  }
}
