package dev.opsledger.notifier.notice;

import java.util.Locale;

/** How urgent a notice is; routes pick notices at or above a minimum severity. */
public enum Severity {
  /** Good news or a state change nobody has to act on. */
  INFO,
  /** Something differs or waits for a person. */
  WARNING,
  /** Something failed and will not fix itself. */
  ERROR;

  /** The lower-case name used in configuration and templates. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
