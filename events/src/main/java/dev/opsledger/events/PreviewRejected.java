package dev.opsledger.events;

import java.time.Instant;
import java.util.List;

/**
 * The head of an open pull or merge request whose manifests do not all parse or validate, with the
 * same file:line errors a rejected commit of its source would get.
 *
 * @param sourceId the source whose repository the request targets
 * @param repository the repository URL, credentials removed
 * @param provider {@code github} or {@code gitlab}
 * @param number the request's number
 * @param headSha the request's head commit
 * @param renderedAt when the head was rendered
 * @param errors every problem found, with file and line
 */
public record PreviewRejected(
    String sourceId,
    String repository,
    String provider,
    long number,
    String headSha,
    Instant renderedAt,
    List<ManifestError> errors)
    implements OpsLedgerEvent {

  /** Requires the request's identity and at least one error. */
  public PreviewRejected {
    PreviewSubject.require(sourceId, provider, number, headSha);
    errors = List.copyOf(errors == null ? List.of() : errors);
    if (errors.isEmpty()) {
      throw new IllegalArgumentException("a rejected preview needs at least one error");
    }
  }

  @Override
  public String subject() {
    return PreviewSubject.of(sourceId, number);
  }
}
