package dev.opsledger.events;

import java.time.Instant;
import java.util.List;

/**
 * Another field manager owned fields the desired manifest sets. With force (the default, as in Flux
 * and Argo CD) the apply took them over and {@code taken} is true; with force off for the source or
 * the resource ({@code opsledger.dev/force-conflicts: "false"}) they were left to their owner and
 * the rest of the manifest was applied. Either way each field names the manager that owned it
 * before.
 *
 * @param resource the resource
 * @param sourceId the source that declares it
 * @param desiredRevision the revision being applied
 * @param taken whether OpsLedger took the fields ({@code false}: left alone)
 * @param fields the contested fields, each with the manager that owned it
 * @param detectedAt when
 */
public record FieldsConflicted(
    ResourceKey resource,
    String sourceId,
    String desiredRevision,
    boolean taken,
    List<Field> fields,
    Instant detectedAt)
    implements ApplyEvent {

  /** Checks the required fields and copies the list. */
  public FieldsConflicted {
    Require.present("resource", resource);
    Require.present("detectedAt", detectedAt);
    fields = List.copyOf(fields == null ? List.of() : fields);
    if (fields.isEmpty()) {
      throw new IllegalArgumentException("a conflict names at least one field");
    }
  }

  /**
   * One contested field.
   *
   * @param manager the field manager that owned it before (e.g. {@code kube-controller-manager})
   * @param path the field, as the API server names it (e.g. {@code .spec.replicas})
   */
  public record Field(String manager, String path) {

    /** Checks the required fields. */
    public Field {
      Require.text("manager", manager);
      Require.text("path", path);
    }
  }

  /** The managers named, each once, in the order first named. */
  public List<String> managers() {
    return fields.stream().map(Field::manager).distinct().toList();
  }
}
