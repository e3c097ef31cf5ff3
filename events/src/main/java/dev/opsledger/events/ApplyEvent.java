package dev.opsledger.events;

/**
 * What the applier writes to {@code opsledger.applies}: one step of acting on a diff (started,
 * succeeded, failed, skipped). Its causation is the id of that diff.
 */
public sealed interface ApplyEvent extends ResourceEvent
    permits ApplyStarted, ApplySucceeded, ApplyFailed, ApplySkipped, FieldsConflicted {

  /** The source that declares the resource, or {@code null}. */
  String sourceId();

  /**
   * The revision the diff named (the removing revision for a prune), or {@code null} when it named
   * none.
   */
  String desiredRevision();
}
