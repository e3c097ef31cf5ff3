package dev.opsledger.notifier.notice;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Remembers, per resource, whether its last known diff or apply state was a problem, so that a
 * later {@code ResourceInSync} can be told as "converged" and a plain first in-sync stays quiet.
 *
 * <p>Invariants: events older than the newest one seen for a resource change nothing (diffs and
 * applies arrive on two topics, so their interleaving is not ordered); at most {@code capacity}
 * resources are remembered, the least recently touched forgotten first. Not thread-safe.
 */
public final class ResourceHealth {

  private record Entry(String problem, Instant at) {}

  private final Map<String, Entry> entries;

  /** A tracker remembering at most {@code capacity} resources. */
  public ResourceHealth(int capacity) {
    this.entries =
        new LinkedHashMap<>(16, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
            return size() > capacity;
          }
        };
  }

  /**
   * Records a problem (drifted, missing, apply failed) of a resource at a time.
   *
   * @return {@code false} when an event newer than this one was already seen
   */
  public boolean problem(String resource, String problem, Instant at) {
    Entry e = entries.get(resource);
    if (e != null && e.at().isAfter(at)) {
      return false;
    }
    entries.put(resource, new Entry(problem, at));
    return true;
  }

  /**
   * Records that a resource is in sync.
   *
   * @return the problem it had before, or {@code null} when it had none (or the event is older than
   *     one already seen)
   */
  public String inSync(String resource, Instant at) {
    Entry e = entries.get(resource);
    if (e != null && e.at().isAfter(at)) {
      return null;
    }
    entries.put(resource, new Entry(null, at));
    return e == null ? null : e.problem();
  }
}
