package dev.opsledger.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The chain of every upcaster of the contract, applied by {@link EventCodec} when it reads. */
public final class Upcasters {

  private final Map<EventType, Map<Integer, Upcaster>> byTypeAndVersion = new HashMap<>();

  /** A chain of the given upcasters; at most one per type and version. */
  public Upcasters(List<Upcaster> upcasters) {
    for (Upcaster u : upcasters) {
      Upcaster previous =
          byTypeAndVersion.computeIfAbsent(u.type(), t -> new HashMap<>()).put(u.fromVersion(), u);
      if (previous != null) {
        throw new IllegalArgumentException(
            "two upcasters for " + u.type() + " version " + u.fromVersion());
      }
    }
  }

  /** Every upcaster the contract ships. */
  public static Upcasters standard() {
    return new Upcasters(
        List.of(
            new CommitObservedV1ToV2(),
            new SequenceAdded(EventType.COMMIT_OBSERVED, 2),
            new SequenceAdded(EventType.DESIRED_STATE_CHANGED, 1),
            new SequenceAdded(EventType.DESIRED_STATE_REMOVED, 1),
            new RemovalCountsAdded(),
            new UidAdded(EventType.OBSERVED_STATE_CHANGED, "uid"),
            new UidAdded(EventType.RESOURCE_EXTRANEOUS, "observedUid")));
  }

  /**
   * Brings a body of {@code type} at {@code version} up to the type's current version.
   *
   * @throws IllegalStateException when a step of the chain is missing
   */
  public ObjectNode upcast(EventType type, int version, ObjectNode body) {
    ObjectNode current = body;
    for (int v = version; v < type.version(); v++) {
      Upcaster step = byTypeAndVersion.getOrDefault(type, Map.of()).get(v);
      if (step == null) {
        throw new IllegalStateException(
            "no upcaster for " + type.ceType() + " from version " + v + " to " + (v + 1));
      }
      current = step.upcast(current);
    }
    return current;
  }

  /**
   * Version 1 of {@code dev.opsledger.commit.observed} wrote {@code author} and {@code committer}
   * as {@code "Name <email>"} strings; version 2 writes them as {@link Person} objects, so that a
   * subscriber need not parse Git's text form.
   */
  static final class CommitObservedV1ToV2 implements Upcaster {

    @Override
    public EventType type() {
      return EventType.COMMIT_OBSERVED;
    }

    @Override
    public int fromVersion() {
      return 1;
    }

    @Override
    public ObjectNode upcast(ObjectNode body) {
      personFromText(body, "author");
      personFromText(body, "committer");
      return body;
    }

    private static void personFromText(ObjectNode body, String field) {
      JsonNode value = body.get(field);
      if (value == null || value.isNull()) {
        return;
      }
      if (!value.isTextual()) {
        throw new IllegalArgumentException(field + " must be a string in version 1");
      }
      Person p = Person.parse(value.asText());
      ObjectNode person = body.objectNode();
      person.put("name", p.name());
      person.put("email", p.email());
      body.set(field, person);
    }
  }

  /**
   * The version that added {@code sequence} (the order in which the git-watcher recorded a source's
   * revisions): older events had none, so they read with {@code null}, and readers order them as
   * before.
   */
  record SequenceAdded(EventType type, int fromVersion) implements Upcaster {

    @Override
    public ObjectNode upcast(ObjectNode body) {
      if (!body.has("sequence")) {
        body.putNull("sequence");
      }
      if (type == EventType.COMMIT_OBSERVED && !body.has("changedPathsOmitted")) {
        body.put("changedPathsOmitted", 0);
      }
      return body;
    }
  }

  /**
   * Version 3 of {@code dev.opsledger.desired.removed} added the revision's counts ({@code
   * removalsInRevision}, {@code declaredBefore}); older removals read with {@code null}, which the
   * applier's prune guard treats as "not counted": such a removal is not held.
   */
  static final class RemovalCountsAdded implements Upcaster {

    @Override
    public EventType type() {
      return EventType.DESIRED_STATE_REMOVED;
    }

    @Override
    public int fromVersion() {
      return 2;
    }

    @Override
    public ObjectNode upcast(ObjectNode body) {
      if (!body.has("removalsInRevision")) {
        body.putNull("removalsInRevision");
      }
      if (!body.has("declaredBefore")) {
        body.putNull("declaredBefore");
      }
      return body;
    }
  }

  /**
   * Version 2 of {@code dev.opsledger.observed.changed} added the live object's {@code uid}, and
   * version 2 of {@code dev.opsledger.diff.extraneous} the {@code observedUid} the differ copied
   * from it. Older events read with {@code null}: the applier then deletes with the uid it reads
   * just before the delete, as it did before the uid was carried.
   */
  record UidAdded(EventType type, String field) implements Upcaster {

    @Override
    public int fromVersion() {
      return 1;
    }

    @Override
    public ObjectNode upcast(ObjectNode body) {
      if (!body.has(field)) {
        body.putNull(field);
      }
      return body;
    }
  }
}
