package dev.opsledger.applier.aws;

import dev.opsledger.applier.apply.Outcome;
import java.util.ArrayList;
import java.util.List;

/**
 * What an AWS apply will do, computed from a read of the live resource before anything is written,
 * so a dry run reports the same outcome without writing.
 */
final class Plan {

  private final boolean creates;
  private final List<Runnable> steps = new ArrayList<>();

  private Plan(boolean creates) {
    this.creates = creates;
  }

  /** A plan that creates the resource. */
  static Plan create() {
    return new Plan(true);
  }

  /** A plan that changes an existing resource (maybe not at all). */
  static Plan update() {
    return new Plan(false);
  }

  /** Adds a write. */
  Plan then(Runnable step) {
    steps.add(step);
    return this;
  }

  /** Runs the writes unless dry, and says what they did (or would do). */
  Outcome run(boolean dryRun) {
    if (!dryRun) {
      steps.forEach(Runnable::run);
    }
    if (creates) {
      return new Outcome.Created();
    }
    return steps.isEmpty() ? new Outcome.Unchanged() : new Outcome.Patched();
  }
}
