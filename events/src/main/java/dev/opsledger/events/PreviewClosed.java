package dev.opsledger.events;

import java.time.Instant;

/**
 * A pull or merge request was closed or merged: its preview stops (no more renders, no more comment
 * updates).
 *
 * @param sourceId the source whose repository the request targets
 * @param repository the repository URL, credentials removed
 * @param provider {@code github} or {@code gitlab}
 * @param number the request's number
 * @param merged whether it was merged (its changes then arrive as commits of the branch)
 * @param closedAt when the watcher learnt it
 */
public record PreviewClosed(
    String sourceId,
    String repository,
    String provider,
    long number,
    boolean merged,
    Instant closedAt)
    implements OpsLedgerEvent {

  /** Requires the request's identity. */
  public PreviewClosed {
    PreviewSubject.require(sourceId, provider, number, "-");
  }

  @Override
  public String subject() {
    return PreviewSubject.of(sourceId, number);
  }
}
