package dev.opsledger.gitwatcher.manifest;

import dev.opsledger.events.ManifestError;
import java.util.List;

/** Whether a revision's manifests are accepted whole or rejected whole. */
public sealed interface RevisionOutcome {

  /** Every manifest is valid: the revision's index. */
  record Accepted(RevisionIndex index) implements RevisionOutcome {}

  /** At least one error: every one of them, ordered by file and line. */
  record Rejected(List<ManifestError> errors) implements RevisionOutcome {
    /** Copies the list. */
    public Rejected {
      errors = List.copyOf(errors);
    }
  }
}
