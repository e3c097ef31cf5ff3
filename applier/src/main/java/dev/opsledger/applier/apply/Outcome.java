package dev.opsledger.applier.apply;

import dev.opsledger.events.SkipPolicy;

/**
 * What one apply step did. An apply never hides whether it changed anything: every path ends in
 * exactly one of these, and each maps to one event on {@code opsledger.applies}.
 */
public sealed interface Outcome
    permits Outcome.Created,
        Outcome.Patched,
        Outcome.Unchanged,
        Outcome.Deleted,
        Outcome.Failed,
        Outcome.Skipped {

  /** The resource did not exist and was created (or would be, in a dry run). */
  record Created() implements Outcome {}

  /**
   * The resource existed and was changed (or would be, in a dry run).
   *
   * @param conflicts fields of other managers the apply met, taken or left alone
   */
  record Patched(Conflicts conflicts) implements Outcome {

    /** Changed without meeting another manager's fields. */
    public Patched() {
      this(Conflicts.NONE);
    }
  }

  /**
   * The resource already had the desired state; nothing was written.
   *
   * @param conflicts fields of other managers left alone (force off), which is why nothing changed
   */
  record Unchanged(Conflicts conflicts) implements Outcome {

    /** Unchanged without meeting another manager's fields. */
    public Unchanged() {
      this(Conflicts.NONE);
    }
  }

  /** The resource was deleted (or would be, in a dry run). */
  record Deleted() implements Outcome {}

  /**
   * The step failed.
   *
   * @param failure terminal (recorded, not retried) or retryable (backoff)
   */
  record Failed(Failure failure) implements Outcome {}

  /**
   * A policy decided not to act.
   *
   * @param policy the policy that decided
   * @param detail a sentence for people
   */
  record Skipped(SkipPolicy policy, String detail) implements Outcome {}

  /** Shorthand for a terminal failure. */
  static Outcome terminal(String reason, String message, Integer httpStatus) {
    return new Failed(new Failure.Terminal(reason, message, httpStatus));
  }

  /** Shorthand for a retryable failure. */
  static Outcome retryable(String reason, String message, Integer httpStatus) {
    return new Failed(new Failure.Retryable(reason, message, httpStatus));
  }
}
