package dev.opsledger.gitwatcher.webhook;

import dev.opsledger.gitwatcher.source.RepositoryUrls;
import dev.opsledger.gitwatcher.source.SourceSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Which sources a push concerns. Pure. */
public final class PushRouting {

  private PushRouting() {}

  /**
   * The ids of the sources a push concerns: a tracked branch was pushed, and the repository matches
   * by URL — or, when the request names a source, that source alone (if its branch was pushed, or
   * the payload names no branch).
   */
  public static List<String> route(
      List<SourceSettings> sources, PushNotice notice, String requestedSource) {
    Set<String> urls =
        notice.repositoryUrls().stream()
            .map(RepositoryUrls::comparable)
            .filter(u -> !u.isEmpty())
            .collect(Collectors.toSet());
    List<String> out = new ArrayList<>();
    for (SourceSettings s : sources) {
      if (requestedSource != null && !requestedSource.isBlank()) {
        if (s.id().equals(requestedSource)
            && (notice.branches().isEmpty() || notice.branches().contains(s.branch()))) {
          out.add(s.id());
        }
      } else if (notice.branches().contains(s.branch())
          && urls.contains(RepositoryUrls.comparable(s.url()))) {
        out.add(s.id());
      }
    }
    return out;
  }
}
