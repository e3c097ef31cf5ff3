package dev.opsledger.gitwatcher.watch;

import java.util.Map;
import java.util.Set;

/**
 * What the log says of a source's previews: the last head previewed per request, and the requests
 * closed since. Read once at start, so a restart neither previews a head again nor wakes a closed
 * request.
 *
 * @param previewed the last previewed head per request number
 * @param closed the numbers of requests whose last preview event is a close
 */
public record PreviewHistory(Map<Long, String> previewed, Set<Long> closed) {

  /** Nothing previewed yet. */
  public static final PreviewHistory NONE = new PreviewHistory(Map.of(), Set.of());

  /** Reads a source's history; implemented over {@code opsledger.previews}. */
  @FunctionalInterface
  public interface Reader {
    /** The history of one source. */
    PreviewHistory read(String sourceId);
  }
}
