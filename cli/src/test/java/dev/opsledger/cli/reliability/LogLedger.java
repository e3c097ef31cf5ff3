package dev.opsledger.cli.reliability;

import dev.opsledger.audit.LogReader;
import dev.opsledger.audit.LoggedEvent;
import dev.opsledger.events.ApplyFailed;
import dev.opsledger.events.ApplyOutcome;
import dev.opsledger.events.ApplySucceeded;
import dev.opsledger.events.CommitObserved;
import dev.opsledger.events.DesiredStateChanged;
import dev.opsledger.events.DesiredStateRemoved;
import dev.opsledger.events.OpsLedgerEvent;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.events.Topic;
import dev.opsledger.testkit.DeadLetters;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the log says about one revision of a crash run: whether its commit and every desired change
 * were recorded, which changes were applied more than once for the same cause, and how many records
 * sit in dead-letter topics. Read with the audit library's reader, as an auditor would.
 */
final class LogLedger {

  /**
   * The counts for one revision.
   *
   * @param commitRecorded whether a {@code CommitObserved} names the revision
   * @param desiredLost changes and removals of the revision with no desired event
   * @param desiredRepeated desired events beyond the first for the same resource and revision
   *     (harmless: the differ and the applier deduplicate them by revision and content)
   * @param sideEffects applies of the revision that changed the cluster (created, patched, deleted)
   * @param duplicateApplies side-effecting applies beyond the first for the same resource, revision
   *     and cause (the diff event whose id is their causation): a crash repeated the work
   * @param duplicateDetail the resources of those, for the report
   * @param terminalFailures applies of the revision that failed for good
   * @param unreadable records the reader could not decode on the topics read
   */
  record Counts(
      boolean commitRecorded,
      int desiredLost,
      int desiredRepeated,
      int sideEffects,
      int duplicateApplies,
      List<String> duplicateDetail,
      int terminalFailures,
      int unreadable) {}

  private final String bootstrapServers;

  LogLedger(String bootstrapServers) {
    this.bootstrapServers = bootstrapServers;
  }

  Counts count(String sha, List<ResourceKey> changed, List<ResourceKey> removed) {
    List<LoggedEvent> events;
    try (LogReader reader = new LogReader(bootstrapServers)) {
      events = reader.read(EnumSet.of(Topic.COMMITS, Topic.DESIRED, Topic.APPLIES), null, null);
    }
    boolean commit = false;
    Map<ResourceKey, Integer> changes = new HashMap<>();
    Set<ResourceKey> removals = new HashSet<>();
    Map<String, Integer> applies = new HashMap<>();
    int sideEffects = 0;
    int terminal = 0;
    int unreadable = 0;
    for (LoggedEvent e : events) {
      if (!e.readable()) {
        unreadable++;
        continue;
      }
      var data = e.data();
      if (data instanceof CommitObserved c && c.sha().equals(sha)) {
        commit = true;
      } else if (data instanceof DesiredStateChanged d && d.revision().equals(sha)) {
        changes.merge(d.resource(), 1, Integer::sum);
      } else if (data instanceof DesiredStateRemoved d && d.revision().equals(sha)) {
        removals.add(d.resource());
      } else if (data instanceof ApplySucceeded a
          && sha.equals(a.desiredRevision())
          && !a.dryRun()
          && a.outcome() != ApplyOutcome.UNCHANGED) {
        sideEffects++;
        applies.merge(
            a.resource() + " " + a.outcome() + " cause " + e.event().causation(), 1, Integer::sum);
      } else if (data instanceof ApplyFailed f
          && sha.equals(f.desiredRevision())
          && !f.retrying()) {
        terminal++;
      }
    }
    int lost = 0;
    for (ResourceKey k : changed) {
      if (!changes.containsKey(k)) {
        lost++;
      }
    }
    for (ResourceKey k : removed) {
      if (!removals.contains(k)) {
        lost++;
      }
    }
    int repeated = changes.values().stream().mapToInt(n -> n - 1).sum();
    List<String> detail = new ArrayList<>();
    applies.forEach(
        (what, n) -> {
          if (n > 1) {
            detail.add(what + " x" + n);
          }
        });
    int duplicates = applies.values().stream().mapToInt(n -> n - 1).sum();
    return new Counts(
        commit, lost, repeated, sideEffects, duplicates, detail, terminal, unreadable);
  }

  /** The readable events of these topics recorded from {@code since} on, in log order. */
  List<OpsLedgerEvent> since(Instant since, Topic first, Topic... more) {
    try (LogReader reader = new LogReader(bootstrapServers)) {
      return reader.read(EnumSet.of(first, more), since, null).stream()
          .filter(LoggedEvent::readable)
          .map(LoggedEvent::data)
          .toList();
    }
  }

  /**
   * Every record of every dead-letter topic of the catalogue (the broker is the campaign's own).
   */
  List<String> deadLetters() {
    return DeadLetters.read(bootstrapServers);
  }
}
