package dev.opsledger.cli;

/** An error to report to the user in one line, with an exit code. */
public class CliException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int exitCode;

  /** Creates the error. */
  public CliException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  /** The exit code to end with. */
  public int exitCode() {
    return exitCode;
  }
}
