package dev.opsledger.applier.rollback;

/**
 * A rollback that cannot be planned, with the HTTP status that says why: 404 for a source, resource
 * or revision the log does not know, 409 for a target that is ambiguous or changes nothing, 422 for
 * a log that cannot place revisions.
 */
public final class RollbackRefused extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int status;

  /**
   * A refusal.
   *
   * @param status the HTTP status
   * @param message a sentence for the person who asked
   */
  public RollbackRefused(int status, String message) {
    super(message);
    this.status = status;
  }

  /** The HTTP status. */
  public int status() {
    return status;
  }
}
