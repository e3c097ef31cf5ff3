package dev.opsledger.gitwatcher.git;

/**
 * The repository could not be reached or read (network, authentication, corrupt cache): transient,
 * the source is retried at its next poll. The message never carries credentials.
 */
public class GitAccessException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception. */
  public GitAccessException(String message, Throwable cause) {
    super(message, cause);
  }
}
