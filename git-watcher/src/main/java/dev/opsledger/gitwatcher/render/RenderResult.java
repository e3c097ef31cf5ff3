package dev.opsledger.gitwatcher.render;

import dev.opsledger.events.ManifestError;
import java.util.List;

/**
 * What rendering a revision's directories produced: files to validate, and errors that reject the
 * revision.
 *
 * @param files the rendered files, in configuration order
 * @param errors what failed, each with the input file or directory and the reason
 */
public record RenderResult(List<RenderedFile> files, List<ManifestError> errors) {

  /** Copies the lists. */
  public RenderResult {
    files = List.copyOf(files);
    errors = List.copyOf(errors);
  }
}
