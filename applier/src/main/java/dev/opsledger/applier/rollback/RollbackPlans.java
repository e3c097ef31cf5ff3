package dev.opsledger.applier.rollback;

/** Plans a rollback from the log (a port: the stream edge reads the log). */
@FunctionalInterface
public interface RollbackPlans {

  /**
   * Plans the rollback.
   *
   * @throws RollbackRefused when it cannot be planned
   */
  RollbackPlan plan(RollbackTarget target);
}
