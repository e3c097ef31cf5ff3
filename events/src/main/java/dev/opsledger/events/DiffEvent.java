package dev.opsledger.events;

import java.time.Instant;

/**
 * What the differ writes to {@code opsledger.diffs}: the state of one resource after comparing its
 * desired and live state. Each type reports one {@link DiffState}.
 */
public sealed interface DiffEvent extends ResourceEvent
    permits DriftDetected,
        ResourceInSync,
        ResourceMissing,
        ResourceExtraneous,
        ResourceRemoved,
        DiffFailed {

  /** The state this event reports. */
  DiffState state();

  /** The source that declares (or last declared) the resource, or {@code null}. */
  String sourceId();

  /**
   * The revision the diff is about: the desired revision that was compared or, for an extraneous or
   * removed resource, the revision that removed it from Git; {@code null} when unknown.
   */
  String revision();

  /** When the differ found the state. */
  Instant detectedAt();
}
