package dev.opsledger.applier.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsledger.events.DesiredStateChanged;
import dev.opsledger.events.DesiredStateRemoved;
import dev.opsledger.events.DiffEvent;
import dev.opsledger.events.EncodedEvent;
import dev.opsledger.events.EventCodec;
import dev.opsledger.events.EventDecodingException;
import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.EventHeader;
import dev.opsledger.events.EventJson;
import dev.opsledger.events.OpsLedgerEvent;
import dev.opsledger.events.ResourceEvent;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.events.ResourceRemoved;
import dev.opsledger.events.RollbackRequested;
import dev.opsledger.events.SyncApproved;
import dev.opsledger.events.SyncResumed;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * What the applier rebuilds from the log at start, as a pure fold over events: the desired state of
 * every resource ({@link DesiredBook}), the latest diffs and their outcomes ({@link PendingWork})
 * the approvals and the rollbacks that still pause a resource. It can be written as snapshot
 * entries and restored from them; restoring a snapshot and folding the records after it gives the
 * state a fold of the whole log gives, which is what lets a restart read only the records after the
 * newest snapshot.
 *
 * <p>Memory is bounded by {@link #compact}: diff ids beyond the redelivery window ({@code
 * dedupe-capacity}) and resources whose latest diff says they were removed longer ago than {@code
 * forget-removed-after} are forgotten. Neither changes the work derived: a forgotten diff id is not
 * any resource's latest diff, and a removed resource has nothing pending.
 *
 * <p>Not thread-safe: one fold, from one thread.
 */
public final class ReplayState {

  private final EventCodec codec;
  private final ObjectMapper mapper = EventJson.mapper();
  private final int keepDiffIds;
  private final Duration forgetRemovedAfter;
  private final DesiredBook desired = new DesiredBook();
  private final PendingWork work = new PendingWork();
  private final Map<String, EventEnvelope<SyncApproved>> approvals = new LinkedHashMap<>();

  /** The newest rollback of each resource, and the rollbacks Git has moved past since. */
  private final Map<ResourceKey, EventEnvelope<RollbackRequested>> rollbacks =
      new LinkedHashMap<>();

  private final Set<String> resumed = new HashSet<>();

  /**
   * An empty state.
   *
   * @param keepDiffIds how many diff ids to keep beyond the latest diff of each resource
   * @param forgetRemovedAfter how long a removed resource is kept; zero or negative: forever
   */
  public ReplayState(EventCodec codec, int keepDiffIds, Duration forgetRemovedAfter) {
    this.codec = codec;
    this.keepDiffIds = keepDiffIds;
    this.forgetRemovedAfter = forgetRemovedAfter;
  }

  /** Folds a record of {@code opsledger.desired}. */
  public void desired(OpsLedgerEvent event) {
    if (event instanceof DesiredStateChanged c) {
      desired.changed(c);
    } else if (event instanceof DesiredStateRemoved r) {
      desired.removed(r);
    }
  }

  /** Folds a record of {@code opsledger.diffs}, in log order. */
  public void diff(EventEnvelope<? extends OpsLedgerEvent> event) {
    work.diff(event);
  }

  /** Folds a record of {@code opsledger.applies}, in log order. */
  public void apply(EventEnvelope<? extends OpsLedgerEvent> event) {
    if (event.data() instanceof SyncResumed) {
      resumed.add(event.causation());
    }
    work.apply(event);
  }

  /** Folds a record of {@code opsledger.approvals}. Idempotent: keyed by event id. */
  @SuppressWarnings("unchecked")
  public void approval(EventEnvelope<? extends OpsLedgerEvent> event) {
    if (event.data() instanceof SyncApproved) {
      approvals.put(event.id(), (EventEnvelope<SyncApproved>) event);
    } else if (event.data() instanceof RollbackRequested r) {
      rollbacks.put(r.resource(), (EventEnvelope<RollbackRequested>) event);
    }
  }

  /**
   * Forgets what no longer matters (see the class comment).
   *
   * @return the resources forgotten
   */
  public List<ResourceKey> compact(Instant now) {
    work.compact(keepDiffIds);
    List<ResourceKey> forgotten = new ArrayList<>();
    if (forgetRemovedAfter.isZero() || forgetRemovedAfter.isNegative()) {
      return forgotten;
    }
    Instant before = now.minus(forgetRemovedAfter);
    for (EventEnvelope<? extends ResourceEvent> diff : work.latestDiffs()) {
      ResourceKey key = diff.data().resource();
      DesiredView view = desired.view(key);
      if (diff.data() instanceof ResourceRemoved
          && diff.time().isBefore(before)
          && (view == null || view.removed())) {
        desired.forget(key);
        work.forget(key);
        forgotten.add(key);
      }
    }
    return forgotten;
  }

  /** How many resources are known. */
  public int resources() {
    return desired.size();
  }

  /**
   * Restores the engine: the desired state, latest diffs (for the order of writes) and last applied
   * revisions of its resources, the dedupe ledger, pending work and approvals. What one applier
   * does at start: {@link #restoreShared} and {@link #adopt} of every resource.
   */
  public void restore(ApplyEngine engine, Predicate<ResourceKey> ours, Instant now) {
    restoreShared(engine, ours);
    adopt(engine, ours, now);
  }

  /**
   * Restores what every replica reads, whoever owns the resource: the desired state, the latest
   * diffs (for the order of writes) and the approvals. Nothing is scheduled.
   */
  public void restoreShared(ApplyEngine engine, Predicate<ResourceKey> ours) {
    desired.forEach(
        (key, view) -> {
          if (ours.test(key)) {
            engine.restoreDesired(key, view);
          }
        });
    for (EventEnvelope<? extends ResourceEvent> diff : work.latestDiffs()) {
      if (diff.data() instanceof DiffEvent d && ours.test(d.resource())) {
        engine.restoreDiff(d);
      }
    }
  }

  /**
   * Hands the engine the work of the resources {@code owned} picks, as this state derives it now:
   * the dedupe ledger, the revisions last applied, pending work, diffs awaiting approval, and the
   * rollbacks that still pause a resource. At start for every resource; later, for the resources of
   * diffs partitions this replica was assigned, from a state caught up with the log.
   */
  public void adopt(ApplyEngine engine, Predicate<ResourceKey> owned, Instant now) {
    PendingWork.Derived all = work.derive(now);
    Map<ResourceKey, String> lastApplied = new HashMap<>();
    all.lastApplied()
        .forEach(
            (key, revision) -> {
              if (owned.test(key)) {
                lastApplied.put(key, revision);
              }
            });
    engine.restore(
        new PendingWork.Derived(
            all.pending().stream().filter(w -> owned.test(w.key())).toList(),
            all.awaiting().stream().filter(w -> owned.test(w.key())).toList(),
            all.done(),
            lastApplied),
        approvals.values().stream().map(EventEnvelope::data).toList());
    for (EventEnvelope<RollbackRequested> r : pausing()) {
      if (owned.test(r.data().resource())) {
        engine.adoptRollback(r);
      }
    }
  }

  /** The rollbacks that still pause their resource: none of them was followed by a resume. */
  private List<EventEnvelope<RollbackRequested>> pausing() {
    return rollbacks.values().stream().filter(r -> !resumed.contains(r.id())).toList();
  }

  /** The work derived now: for tests that compare two states. */
  public PendingWork.Derived derive(Instant now) {
    return work.derive(now);
  }

  /** What is known of a resource's desired state, or {@code null}. */
  public DesiredView view(ResourceKey key) {
    return desired.view(key);
  }

  /** Hands the snapshot's entries to {@code out}. */
  public void entries(Consumer<JsonNode> out) {
    desired.forEach((key, view) -> out.accept(desiredEntry(key, view)));
    for (EventEnvelope<? extends ResourceEvent> diff : work.latestDiffs()) {
      out.accept(eventEntry("diff", diff));
    }
    for (PendingWork.Handled h : work.handled()) {
      ObjectNode n = mapper.createObjectNode().put("kind", "handled").put("id", h.id());
      if (h.waitsForApproval() != null) {
        n.put("waitsForApproval", h.waitsForApproval());
      }
      if (h.attempts() != null) {
        n.put("attempts", h.attempts());
      }
      out.accept(n);
    }
    work.lastApplied()
        .forEach(
            (key, revision) ->
                out.accept(
                    mapper
                        .createObjectNode()
                        .put("kind", "applied")
                        .put("resource", key.toString())
                        .put("revision", revision)));
    for (EventEnvelope<SyncApproved> a : approvals.values()) {
      out.accept(eventEntry("approval", a));
    }
    // Only the pauses still in force: a resumed rollback changes nothing after a restart.
    for (EventEnvelope<RollbackRequested> r : pausing()) {
      out.accept(eventEntry("rollback", r));
    }
  }

  /**
   * Restores one snapshot entry.
   *
   * @throws IllegalArgumentException when the entry is not one this version wrote
   */
  public void restore(JsonNode entry) {
    String kind = entry.path("kind").asText();
    switch (kind) {
      case "desired" -> restoreDesired(entry);
      case "diff" -> work.diff(event(entry));
      case "handled" ->
          work.restore(
              new PendingWork.Handled(
                  text(entry, "id"),
                  entry.has("waitsForApproval") ? entry.get("waitsForApproval").asBoolean() : null,
                  entry.has("attempts") ? entry.get("attempts").asInt() : null));
      case "applied" ->
          work.restoreApplied(ResourceKey.parse(text(entry, "resource")), text(entry, "revision"));
      case "approval", "rollback" -> approval(event(entry));
      default -> throw new IllegalArgumentException("an entry of unknown kind '" + kind + "'");
    }
  }

  private ObjectNode desiredEntry(ResourceKey key, DesiredView view) {
    ObjectNode n = mapper.createObjectNode();
    n.put("kind", "desired");
    n.put("resource", key.toString());
    n.put("sourceId", view.sourceId());
    n.put("newest", view.newestRevision());
    n.set("manifest", view.manifest());
    n.put("removed", view.removed());
    if (view.removal() != null) {
      n.put("removals", view.removal().removals());
      n.put("declaredBefore", view.removal().declaredBefore());
    }
    ObjectNode order = n.putObject("order");
    view.order().forEach(order::put);
    return n;
  }

  private void restoreDesired(JsonNode entry) {
    Map<String, Long> order = new HashMap<>();
    entry
        .path("order")
        .fields()
        .forEachRemaining(e -> order.put(e.getKey(), e.getValue().asLong()));
    JsonNode manifest = entry.get("manifest");
    desired.restore(
        ResourceKey.parse(text(entry, "resource")),
        new DesiredView(
            entry.path("sourceId").isTextual() ? entry.get("sourceId").asText() : null,
            text(entry, "newest"),
            manifest != null && manifest.isObject() ? (ObjectNode) manifest : null,
            entry.path("removed").asBoolean(),
            null,
            order,
            entry.has("removals")
                ? new DesiredView.RemovalCounts(
                    entry.get("removals").asInt(), entry.get("declaredBefore").asInt())
                : null));
  }

  private ObjectNode eventEntry(String kind, EventEnvelope<?> event) {
    EncodedEvent encoded = codec.encode(event);
    ObjectNode n = mapper.createObjectNode().put("kind", kind);
    ArrayNode headers = n.putArray("headers");
    for (EventHeader h : encoded.headers()) {
      headers.addArray().add(h.name()).add(new String(h.value(), StandardCharsets.UTF_8));
    }
    try {
      n.set("body", mapper.readTree(encoded.value()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return n;
  }

  private EventEnvelope<OpsLedgerEvent> event(JsonNode entry) {
    List<EventHeader> headers = new ArrayList<>();
    entry
        .path("headers")
        .forEach(h -> headers.add(EventHeader.text(h.get(0).asText(), h.get(1).asText())));
    try {
      return codec.decode(headers, mapper.writeValueAsBytes(entry.get("body")));
    } catch (EventDecodingException | IOException e) {
      throw new IllegalArgumentException("an unreadable event in a snapshot: " + e.getMessage(), e);
    }
  }

  private static String text(JsonNode entry, String field) {
    JsonNode v = entry.get(field);
    if (v == null || !v.isTextual()) {
      throw new IllegalArgumentException("an entry without " + field);
    }
    return v.asText();
  }
}
