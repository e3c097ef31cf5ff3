package dev.opsledger.gitwatcher.manifest;

import dev.opsledger.events.ManifestError;
import java.util.List;

/** Whether a revision's manifests are accepted whole or rejected whole. */
public sealed interface RevisionOutcome {

  /**
   * Every manifest is valid: the revision's index, and what was ignored in the files this revision
   * read (files unchanged since the previous accepted revision are not read, so their warnings are
   * not repeated), ordered by file and line.
   */
  record Accepted(RevisionIndex index, List<ManifestError> warnings) implements RevisionOutcome {
    /** Copies the list. */
    public Accepted {
      warnings = List.copyOf(warnings);
    }
  }

  /** At least one error: every one of them, ordered by file and line. */
  record Rejected(List<ManifestError> errors) implements RevisionOutcome {
    /** Copies the list. */
    public Rejected {
      errors = List.copyOf(errors);
    }
  }
}
