package dev.opsledger.events;

import java.time.Instant;
import java.util.List;

/**
 * The head of an open pull or merge request, rendered and validated like a commit of its source:
 * what it declares differently from the source's last good revision. Nothing reconciles it; the
 * differ compares it with the live state into a {@link PreviewDiffed}.
 *
 * @param sourceId the source whose repository the request targets
 * @param repository the repository URL, credentials removed
 * @param provider {@code github} or {@code gitlab}
 * @param number the pull request (GitHub) or merge request iid (GitLab) number
 * @param headSha the request's head commit
 * @param baseRevision the source's last good revision the request is compared with, or {@code null}
 *     when none was accepted yet
 * @param renderedAt when the head was rendered; orders a request's previews for readers
 * @param changed resources the request adds or changes, Secret values sealed
 * @param removed resources the branch declares and the request no longer does
 */
public record PreviewRendered(
    String sourceId,
    String repository,
    String provider,
    long number,
    String headSha,
    String baseRevision,
    Instant renderedAt,
    List<PreviewResource> changed,
    List<ResourceKey> removed)
    implements OpsLedgerEvent {

  /** Requires the request's identity. */
  public PreviewRendered {
    PreviewSubject.require(sourceId, provider, number, headSha);
    changed = List.copyOf(changed == null ? List.of() : changed);
    removed = List.copyOf(removed == null ? List.of() : removed);
  }

  @Override
  public String subject() {
    return PreviewSubject.of(sourceId, number);
  }
}
