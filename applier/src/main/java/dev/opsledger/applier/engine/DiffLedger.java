package dev.opsledger.applier.engine;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ids of diff events already handled to a final outcome (succeeded, skipped, or failed
 * terminally), bounded: the oldest are forgotten first. A forgotten id that is redelivered is
 * applied again, which server-side apply turns into {@code Unchanged}: the backstop.
 */
public final class DiffLedger {

  private final Map<String, Boolean> ids;

  /** A ledger of at most {@code capacity} ids. */
  public DiffLedger(int capacity) {
    this.ids =
        new LinkedHashMap<>(Math.min(capacity, 1024), 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > capacity;
          }
        };
  }

  /** Records a handled diff. */
  public synchronized void add(String diffId) {
    ids.put(diffId, Boolean.TRUE);
  }

  /** Whether the diff was handled. */
  public synchronized boolean contains(String diffId) {
    return ids.containsKey(diffId);
  }

  /** How many ids are remembered. */
  public synchronized int size() {
    return ids.size();
  }
}
