package dev.opsledger.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsledger.audit.LogReader;
import dev.opsledger.audit.LoggedEvent;
import dev.opsledger.events.EventJson;
import dev.opsledger.events.Topic;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code opsledger replay --topic T --from TIME --to TIME}: the events themselves, headers and
 * body. It only reads: a replay never sends a notification or applies anything.
 */
@Command(
    name = "replay",
    description = "Print the events of a topic in a time range, headers and body.")
public class ReplayCommand implements Callable<Integer> {

  @Mixin Connection connection;
  @Mixin OutputFormat output;
  @Spec CommandSpec spec;

  @Option(names = "--topic", required = true, description = "e.g. opsledger.diffs, or diffs")
  String topic;

  @Option(names = "--from", description = "RFC 3339 instant or an age like 2h (default: the start)")
  String from;

  @Option(names = "--to", description = "RFC 3339 instant or an age (default: now)")
  String to;

  @Override
  public Integer call() {
    Topic t = topic(topic);
    Instant now = Instant.now();
    List<LoggedEvent> events = new ArrayList<>();
    boolean terminal = System.console() != null && !output.json();
    PrintWriter err = spec.commandLine().getErr();
    try (LogReader reader = new LogReader(connection.kafka())) {
      reader.scan(
          List.of(t),
          Times.parse(from, now),
          Times.parse(to, now),
          events::add,
          terminal ? (done, total) -> progress(err, done, total) : null);
    }
    if (terminal) {
      err.println();
    }
    events.sort(LoggedEvent.LOG_ORDER);
    PrintWriter out = spec.commandLine().getOut();
    if (output.json()) {
      List<ObjectNode> json = new ArrayList<>();
      for (LoggedEvent e : events) {
        json.add(toJson(e));
      }
      Printer.json(out, json);
      return ExitCodes.OK;
    }
    for (LoggedEvent e : events) {
      if (!e.readable()) {
        out.printf(
            "%s %s/%d@%d key=%s UNREADABLE: %s%n",
            e.timestamp(), e.topic(), e.partition(), e.offset(), e.key(), e.error());
        continue;
      }
      var ev = e.event();
      out.printf(
          "%s %s subject=%s id=%s correlation=%s causation=%s%n  %s%n",
          ev.time(),
          ev.type().ceType(),
          ev.subject(),
          ev.id(),
          ev.correlation().isEmpty() ? "-" : ev.correlation(),
          ev.causation().isEmpty() ? "-" : ev.causation(),
          EventJson.mapper().valueToTree(ev.data()).toString());
    }
    out.printf("%d event(s)%n", events.size());
    out.flush();
    return ExitCodes.OK;
  }

  private static ObjectNode toJson(LoggedEvent e) {
    ObjectNode n = EventJson.mapper().createObjectNode();
    n.put("topic", e.topic()).put("partition", e.partition()).put("offset", e.offset());
    n.put("timestamp", e.timestamp().toString()).put("key", e.key());
    if (!e.readable()) {
      n.put("error", e.error());
      return n;
    }
    var ev = e.event();
    ObjectNode h = n.putObject("headers");
    h.put("ce_specversion", "1.0")
        .put("ce_id", ev.id())
        .put("ce_source", ev.source())
        .put("ce_type", ev.type().ceType())
        .put("ce_time", ev.time().toString())
        .put("ce_subject", ev.subject())
        .put("ce_correlation", ev.correlation())
        .put("ce_causation", ev.causation())
        .put("traceparent", ev.traceparent());
    n.set("body", EventJson.mapper().valueToTree(ev.data()));
    return n;
  }

  private static Topic topic(String name) {
    String full = name.startsWith("opsledger.") ? name : "opsledger." + name;
    try {
      return Topic.byName(full);
    } catch (IllegalArgumentException e) {
      List<String> names = new ArrayList<>();
      for (Topic t : Topic.values()) {
        names.add(t.topicName());
      }
      throw new CliException(ExitCodes.USAGE, "no topic '" + name + "'; the topics are " + names);
    }
  }

  private static void progress(PrintWriter err, long done, long total) {
    int width = 30;
    int filled = total == 0 ? width : (int) (width * done / total);
    err.print("\r[" + "#".repeat(filled) + " ".repeat(width - filled) + "] " + done + "/" + total);
    err.flush();
  }
}
