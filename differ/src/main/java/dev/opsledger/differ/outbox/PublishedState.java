package dev.opsledger.differ.outbox;

import dev.opsledger.differ.reconcile.ReconcileState;

/**
 * What a diff event said about a resource: its state and the content's fingerprint.
 *
 * @param state the state
 * @param fingerprint the drift's fingerprint, a failure reason's digest, or empty
 */
public record PublishedState(ReconcileState state, String fingerprint) {

  /** Normalises a {@code null} fingerprint. */
  public PublishedState {
    fingerprint = fingerprint == null ? "" : fingerprint;
  }
}
