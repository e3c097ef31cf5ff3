package dev.opsledger.applier.apply;

import dev.opsledger.events.FieldsConflicted;
import java.util.List;

/**
 * Fields another field manager owned that an apply met: taken over (force) or left to their owner.
 *
 * @param taken whether the apply took them
 * @param fields each field with the manager that owned it before
 */
public record Conflicts(boolean taken, List<FieldsConflicted.Field> fields) {

  /** No conflict. */
  public static final Conflicts NONE = new Conflicts(true, List.of());

  /** Copies the list. */
  public Conflicts {
    fields = List.copyOf(fields);
  }

  /** Whether there was any. */
  public boolean any() {
    return !fields.isEmpty();
  }
}
