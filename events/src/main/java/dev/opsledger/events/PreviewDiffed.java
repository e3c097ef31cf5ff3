package dev.opsledger.events;

import java.time.Instant;
import java.util.List;

/**
 * What merging a pull request would do to the live system: its {@link PreviewRendered} compared
 * with the live state the differ holds, resource by resource. Computed without recording anything
 * in the reconciliation state and without applying.
 *
 * @param sourceId the source whose repository the request targets
 * @param repository the repository URL, credentials removed
 * @param provider {@code github} or {@code gitlab}
 * @param number the request's number
 * @param headSha the request's head commit
 * @param renderedAt when the head was rendered (from the {@link PreviewRendered})
 * @param changes one entry per resource the request declares differently or removes
 */
public record PreviewDiffed(
    String sourceId,
    String repository,
    String provider,
    long number,
    String headSha,
    Instant renderedAt,
    List<PreviewChange> changes)
    implements OpsLedgerEvent {

  /** Requires the request's identity. */
  public PreviewDiffed {
    PreviewSubject.require(sourceId, provider, number, headSha);
    changes = List.copyOf(changes == null ? List.of() : changes);
  }

  @Override
  public String subject() {
    return PreviewSubject.of(sourceId, number);
  }
}
