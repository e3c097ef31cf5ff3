package dev.opsledger.gitwatcher.watch;

import dev.opsledger.events.ManifestError;
import dev.opsledger.events.PreviewResource;
import dev.opsledger.events.ResourceKey;
import java.util.List;

/** A request head rendered and validated as a commit of its source would be. */
public sealed interface PreviewRender {

  /**
   * It validates: what it declares differently from the source's last good revision.
   *
   * @param baseRevision the last good revision, or null
   * @param changed resources added or changed, sealed
   * @param removed resources it no longer declares
   */
  record Accepted(String baseRevision, List<PreviewResource> changed, List<ResourceKey> removed)
      implements PreviewRender {}

  /**
   * It does not: the errors a commit would be rejected with.
   *
   * @param errors every problem, with file and line
   */
  record Rejected(List<ManifestError> errors) implements PreviewRender {}
}
