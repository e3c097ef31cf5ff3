package dev.opsledger.differ.tree;

/**
 * A desired manifest and a live object cannot be compared, for a reason that retrying will not
 * change (a list item without its key, a Secret value that is not sealed, two different objects).
 *
 * <p>This is a terminal outcome: the diff engine turns it into {@code CannotCompare(reason)}, which
 * the differ records as an event. The message is shown to people and written to the log, so it
 * never contains a Secret value.
 */
public final class NotComparableException extends Exception {

  private static final long serialVersionUID = 1L;

  /**
   * A comparison that cannot be made.
   *
   * @param reason what makes the comparison impossible, for people; never a Secret value
   */
  public NotComparableException(String reason) {
    super(reason, null, false, false);
  }

  /** The reason, for people. */
  public String reason() {
    return getMessage();
  }
}
