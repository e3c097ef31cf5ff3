package dev.opsledger.testkit;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsledger.events.ApplyAction;
import dev.opsledger.events.ApplyFailed;
import dev.opsledger.events.ApplyOutcome;
import dev.opsledger.events.ApplySkipped;
import dev.opsledger.events.ApplyStarted;
import dev.opsledger.events.ApplySucceeded;
import dev.opsledger.events.CommitObserved;
import dev.opsledger.events.DesiredStateChanged;
import dev.opsledger.events.DesiredStateRemoved;
import dev.opsledger.events.DriftDetected;
import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.ObservedStateChanged;
import dev.opsledger.events.OpsLedgerEvent;
import dev.opsledger.events.Person;
import dev.opsledger.events.ResourceInSync;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.events.ResourceMissing;
import dev.opsledger.events.ResourceRemoved;
import dev.opsledger.events.SyncApproved;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * A realistic, deterministic log of a source's life, for tests and benchmarks of what reads the
 * log: commits declare and change resources (sometimes rewinding to an older commit), the collector
 * observes them, the differ reports drift, missing and in-sync, the applier starts and finishes
 * applies (some fail and retry, some wait for approval), approvals arrive, and some resources are
 * removed from Git. About {@link #EVENTS_PER_ROUND} events per resource and round, resources
 * interleaved as a busy source's would be.
 *
 * @param resources how many resources
 * @param rounds how many changes each resource sees
 * @param start the time of the first event; one second passes per event
 * @param seed makes the choices repeatable
 */
public record GeneratedLog(int resources, int rounds, Instant start, long seed) {

  /** Roughly how many events one resource's round writes. */
  public static final int EVENTS_PER_ROUND = 5;

  /** The source id of every event. */
  public static final String SOURCE = "generated";

  private static final Person AUTHOR = new Person("Ada", "ada@example.com");

  /** The key of resource {@code i}: target {@code generated}, which no test applier converges. */
  public static ResourceKey key(int i) {
    return ResourceKey.of("generated", "", "ConfigMap", "team-" + (i % 10), "cfg-" + i);
  }

  /**
   * Hands every event to {@code out}, in log order.
   *
   * @return how many events were written
   */
  public long write(Consumer<EventEnvelope<OpsLedgerEvent>> out) {
    Random random = new Random(seed);
    long[] clock = {start.toEpochMilli()};
    long count = 0;
    for (int round = 1; round <= rounds; round++) {
      String sha = sha(round);
      out.accept(envelope(clock, sha, "", commit(round, sha, Instant.ofEpochMilli(clock[0]))));
      count++;
      for (int i = 0; i < resources; i++) {
        count += round(random, i, round, sha, clock, out);
      }
    }
    return count;
  }

  private long round(
      Random random,
      int i,
      int round,
      String sha,
      long[] clock,
      Consumer<EventEnvelope<OpsLedgerEvent>> out) {
    ResourceKey key = key(i);
    boolean removedNow = round == rounds && i % 10 == 3;
    Instant t = Instant.ofEpochMilli(clock[0]);
    long n = 0;
    if (removedNow) {
      out.accept(
          envelope(
              clock,
              sha,
              "",
              new DesiredStateRemoved(key, SOURCE, sha, path(i), AUTHOR, t, null, (long) round)));
      out.accept(envelope(clock, sha, "", new ResourceRemoved(key, SOURCE, sha, t)));
      return 2;
    }
    // A rewind now and then: an older commit recorded again, later, with a higher sequence.
    String revision = round > 2 && random.nextInt(20) == 0 ? sha(round - 2) : sha;
    ObjectNode manifest = manifest(i, revision);
    out.accept(
        envelope(
            clock,
            revision,
            "",
            new DesiredStateChanged(
                key,
                SOURCE,
                revision,
                path(i),
                "sha256:" + revision + i,
                manifest,
                AUTHOR,
                t,
                null,
                (long) round)));
    n++;
    out.accept(
        envelope(
            clock,
            "",
            "",
            new ObservedStateChanged(
                key, t, Integer.toString(round), "h" + round + i, manifest, true)));
    n++;
    int kind = random.nextInt(10);
    EventEnvelope<OpsLedgerEvent> diff;
    if (kind == 0) {
      diff = envelope(clock, revision, "", new ResourceInSync(key, SOURCE, revision, "h", t));
      out.accept(diff);
      return n + 1;
    } else if (round == 1) {
      diff = envelope(clock, revision, "", new ResourceMissing(key, SOURCE, revision, t));
    } else {
      diff =
          envelope(
              clock,
              revision,
              "",
              new DriftDetected(
                  key,
                  SOURCE,
                  revision,
                  "h",
                  t,
                  JsonNodeFactory.instance
                      .arrayNode()
                      .add(
                          JsonNodeFactory.instance
                              .objectNode()
                              .put("op", "replace")
                              .put("path", "/data/value")
                              .put("value", revision)),
                  "-value: old\n+value: " + revision + "\n",
                  List.of("/data/value")));
    }
    out.accept(diff);
    n++;
    out.accept(
        envelope(
            clock,
            revision,
            diff.id(),
            new ApplyStarted(key, SOURCE, revision, ApplyAction.APPLY, false, 1, t)));
    n++;
    if (kind == 1) {
      out.accept(
          envelope(
              clock,
              revision,
              diff.id(),
              new ApplyFailed(
                  key,
                  SOURCE,
                  revision,
                  false,
                  "Unreachable",
                  "connection refused",
                  null,
                  1,
                  t,
                  t.plusSeconds(5))));
      return n + 1;
    }
    if (kind == 2) {
      out.accept(
          envelope(
              clock,
              revision,
              diff.id(),
              new ApplySkipped(key, SOURCE, revision, "manual-approval", "", t)));
      if (random.nextBoolean()) {
        out.accept(
            envelope(clock, revision, "", new SyncApproved(key, null, revision, AUTHOR, "ok", t)));
        n++;
      }
      return n + 1;
    }
    out.accept(
        envelope(
            clock,
            revision,
            diff.id(),
            new ApplySucceeded(
                key,
                SOURCE,
                revision,
                round == 1 ? ApplyOutcome.CREATED : ApplyOutcome.PATCHED,
                false,
                1,
                t,
                12)));
    return n + 1;
  }

  private CommitObserved commit(int round, String sha, Instant t) {
    return new CommitObserved(
        SOURCE,
        "file:///repo",
        "main",
        sha,
        round == 1 ? List.of() : List.of(sha(round - 1)),
        AUTHOR,
        AUTHOR,
        t,
        t,
        "change " + round,
        List.of("apps/"),
        null,
        false,
        null,
        (long) round,
        0);
  }

  private static ObjectNode manifest(int i, String revision) {
    ObjectNode m = JsonNodeFactory.instance.objectNode();
    m.put("apiVersion", "v1").put("kind", "ConfigMap");
    ObjectNode meta = m.putObject("metadata");
    meta.put("name", "cfg-" + i).put("namespace", "team-" + (i % 10));
    meta.putObject("labels").put("app", "app-" + (i % 50)).put("tier", "backend");
    ObjectNode data = m.putObject("data");
    data.put("value", revision);
    data.put("settings", "log.level=info\nfeature.x=true\npool.size=" + (i % 32));
    return m;
  }

  private static String path(int i) {
    return "apps/team-" + (i % 10) + "/cfg-" + i + ".yaml";
  }

  /** The commit of round {@code round} (from 1), as the log records it. */
  public static String sha(int round) {
    return String.format("%040x", round * 0x9e3779b97f4a7c15L & Long.MAX_VALUE);
  }

  private static EventEnvelope<OpsLedgerEvent> envelope(
      long[] clock, String correlation, String causation, OpsLedgerEvent data) {
    Instant t = Instant.ofEpochMilli(clock[0]);
    clock[0] += Duration.ofSeconds(1).toMillis();
    return new EventEnvelope<>(
        java.util
            .UUID
            .nameUUIDFromBytes(
                (t.toEpochMilli() + "/" + data.getClass().getSimpleName()).getBytes())
            .toString(),
        "/opsledger/generated",
        t,
        correlation,
        causation,
        "",
        data);
  }
}
