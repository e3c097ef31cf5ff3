package dev.opsledger.applier.engine;

import dev.opsledger.events.DriftDetected;
import dev.opsledger.events.ResourceEvent;
import dev.opsledger.events.ResourceExtraneous;
import dev.opsledger.events.ResourceMissing;

/** The diffs the applier acts on. */
public enum DiffKind {
  /** {@code ResourceMissing}: create. */
  MISSING,
  /** {@code DriftDetected}: patch (a new revision, or a live edit to revert). */
  DRIFT,
  /** {@code ResourceExtraneous}: prune. */
  EXTRANEOUS;

  /** The kind of an actionable diff event, or {@code null} for any other event. */
  public static DiffKind of(ResourceEvent event) {
    if (event instanceof ResourceMissing) {
      return MISSING;
    }
    if (event instanceof DriftDetected) {
      return DRIFT;
    }
    if (event instanceof ResourceExtraneous) {
      return EXTRANEOUS;
    }
    return null;
  }

  /** The desired revision a diff names (the removing revision for an extraneous resource). */
  public static String revisionOf(ResourceEvent event) {
    if (event instanceof ResourceMissing m) {
      return m.desiredRevision();
    }
    if (event instanceof DriftDetected d) {
      return d.desiredRevision();
    }
    if (event instanceof ResourceExtraneous x) {
      return x.removedInRevision();
    }
    return null;
  }

  /** The source a diff names. */
  public static String sourceOf(ResourceEvent event) {
    if (event instanceof ResourceMissing m) {
      return m.sourceId();
    }
    if (event instanceof DriftDetected d) {
      return d.sourceId();
    }
    if (event instanceof ResourceExtraneous x) {
      return x.sourceId();
    }
    return null;
  }
}
