package dev.opsledger.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The state of a resource that a diff event reports: one state per {@link DiffEvent} type, so that
 * readers switch on the state instead of testing six record types.
 *
 * <p>{@link #label()} is the word the audit's answers and the {@code opsledger} command print
 * ({@code InSync}, {@code Drifted}, …); it is also how the state is written as JSON.
 */
public enum DiffState {
  /** {@link DriftDetected}: live differs from desired. */
  DRIFTED("Drifted"),
  /** {@link ResourceInSync}: live matches desired. */
  IN_SYNC("InSync"),
  /** {@link ResourceMissing}: declared, not live. */
  MISSING("Missing"),
  /** {@link ResourceExtraneous}: live and managed, no longer declared (a prune candidate). */
  EXTRANEOUS("Extraneous"),
  /** {@link ResourceRemoved}: neither declared nor live any more. */
  REMOVED("Removed"),
  /** {@link DiffFailed}: the differ could not compare. */
  FAILED("DiffFailed");

  private final String label;

  DiffState(String label) {
    this.label = label;
  }

  /** The word people read, e.g. {@code InSync}. */
  @JsonValue
  public String label() {
    return label;
  }

  /**
   * Whether the applier has something to converge: create ({@link #MISSING}), patch ({@link
   * #DRIFTED}) or prune ({@link #EXTRANEOUS}).
   */
  public boolean actionable() {
    return this == MISSING || this == DRIFTED || this == EXTRANEOUS;
  }

  /** Whether nothing is left to do: live is as Git says, including gone when Git removed it. */
  public boolean converged() {
    return this == IN_SYNC || this == REMOVED;
  }

  /**
   * The state with this label.
   *
   * @throws IllegalArgumentException for any other text
   */
  @JsonCreator
  public static DiffState fromLabel(String label) {
    for (DiffState s : values()) {
      if (s.label.equals(label)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown diff state: " + label);
  }
}
