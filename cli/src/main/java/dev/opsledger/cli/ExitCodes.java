package dev.opsledger.cli;

/** The exit codes of the {@code opsledger} command. */
public final class ExitCodes {

  /** Done. */
  public static final int OK = 0;

  /** {@code diff} found drift. */
  public static final int DRIFT = 1;

  /** The command line was wrong. */
  public static final int USAGE = 2;

  /** The log could not be reached, or what was asked for does not exist. */
  public static final int UNAVAILABLE = 3;

  private ExitCodes() {}
}
