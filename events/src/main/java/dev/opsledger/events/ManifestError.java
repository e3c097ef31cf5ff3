package dev.opsledger.events;

/**
 * Why one manifest of a commit was refused.
 *
 * @param file the path of the file in the repository
 * @param line the 1-based line where the problem starts, 0 when it is about the whole file
 * @param reason what is wrong, in words a person can act on
 */
public record ManifestError(String file, int line, String reason) {

  @Override
  public String toString() {
    return file + ":" + line + ": " + reason;
  }
}
