package dev.opsledger.gitwatcher.watch;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What pull request webhooks told the watchers between two cycles: requests closed (or merged), and
 * requests reopened. Thread-safe: webhook threads add, the source's cycle drains.
 */
public final class PreviewRequests {

  /**
   * One webhook's news about a request.
   *
   * @param number the request's number
   * @param open true when it was opened, reopened or pushed to; false when closed or merged
   * @param merged whether it was merged
   */
  public record Change(long number, boolean open, boolean merged) {}

  private final Map<String, List<Change>> pending = new ConcurrentHashMap<>();

  /** Records a change for the source's next cycle. */
  public void add(String sourceId, Change change) {
    pending.compute(
        sourceId,
        (id, list) -> {
          List<Change> out = list == null ? new ArrayList<>() : list;
          out.add(change);
          return out;
        });
  }

  /** The changes recorded for a source since the last drain, oldest first. */
  public List<Change> drain(String sourceId) {
    List<Change> out = pending.remove(sourceId);
    return out == null ? List.of() : out;
  }
}
