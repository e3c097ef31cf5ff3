package dev.opsledger.applier.engine;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsledger.events.DesiredStateChanged;
import dev.opsledger.events.DesiredStateRemoved;
import dev.opsledger.events.ResourceKey;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * The newest desired manifest per resource, the order of every revision seen (for fencing) and the
 * revision last applied (for telling a live edit from a new revision). In memory; rebuilt from the
 * log at start.
 *
 * <p>Revisions are ordered by the git-watcher's sequence, the order in which it recorded them: a
 * force-push back to an older commit, or a backdated commit, is newer because it was recorded
 * later, whatever its date. Events written before sequences existed are ordered by arrival, before
 * every sequenced one.
 *
 * <p>Updates are idempotent (dedupe key: revision and sequence): a declaration not newer than the
 * newest known changes nothing, so the replay at start and the binder's redelivery of the same
 * records can overlap.
 */
public final class DesiredBook {

  private final Map<ResourceKey, Entry> entries = new ConcurrentHashMap<>();

  /** Records a declaration; returns whether it was new. */
  public boolean changed(DesiredStateChanged e) {
    Entry entry = entries.computeIfAbsent(e.resource(), k -> new Entry());
    synchronized (entry) {
      if (!entry.advance(e.revision(), e.sequence())) {
        return false;
      }
      entry.sourceId = e.sourceId();
      entry.manifest = e.manifest().isObject() ? (ObjectNode) e.manifest() : null;
      entry.removed = false;
      entry.removal = null;
      return true;
    }
  }

  /** Records a removal from Git; returns whether it was new. */
  public boolean removed(DesiredStateRemoved e) {
    Entry entry = entries.computeIfAbsent(e.resource(), k -> new Entry());
    synchronized (entry) {
      if (!entry.advance(e.revision(), e.sequence())) {
        return false;
      }
      entry.sourceId = e.sourceId();
      entry.removed = true;
      entry.removal =
          e.removalsInRevision() == null || e.declaredBefore() == null
              ? null
              : new DesiredView.RemovalCounts(e.removalsInRevision(), e.declaredBefore());
      return true;
    }
  }

  /** Records a successful apply of a revision. */
  public void applied(ResourceKey key, String revision) {
    Entry entry = entries.computeIfAbsent(key, k -> new Entry());
    synchronized (entry) {
      entry.lastApplied = revision;
    }
  }

  /** Records a successful delete: nothing of the resource is applied any more. */
  public void deleted(ResourceKey key) {
    Entry entry = entries.get(key);
    if (entry != null) {
      synchronized (entry) {
        entry.lastApplied = null;
      }
    }
  }

  /** A snapshot of what is known about the resource, or {@code null}. */
  public DesiredView view(ResourceKey key) {
    Entry entry = entries.get(key);
    if (entry == null) {
      return null;
    }
    synchronized (entry) {
      return new DesiredView(
          entry.sourceId,
          entry.newest,
          entry.manifest,
          entry.removed,
          entry.lastApplied,
          Map.copyOf(entry.order),
          entry.removal);
    }
  }

  /** The number of resources known. */
  public int size() {
    return entries.size();
  }

  /** Hands what is known of every resource to {@code out} (for a snapshot of the book). */
  public void forEach(BiConsumer<ResourceKey, DesiredView> out) {
    for (ResourceKey key : entries.keySet()) {
      DesiredView view = view(key);
      if (view != null) {
        out.accept(key, view);
      }
    }
  }

  /**
   * Puts back what a snapshot held of a resource, replacing what is known of it. Declarations read
   * afterwards are placed against the restored order as if they had followed it.
   */
  public void restore(ResourceKey key, DesiredView view) {
    Entry entry = new Entry();
    entry.order.putAll(view.order());
    for (long position : view.order().values()) {
      if (position < 0) {
        entry.arrivals = Math.max(entry.arrivals, position - Long.MIN_VALUE + 1);
      }
    }
    entry.newest = view.newestRevision();
    entry.sourceId = view.sourceId();
    entry.manifest = view.manifest();
    entry.removed = view.removed();
    entry.removal = view.removal();
    entry.lastApplied = view.lastApplied();
    entries.put(key, entry);
  }

  /** Forgets a resource: the bound on memory for resources removed long ago. */
  public void forget(ResourceKey key) {
    entries.remove(key);
  }

  private static final class Entry {
    private final Map<String, Long> order = new HashMap<>();
    private long arrivals;
    private String newest;
    private String sourceId;
    private ObjectNode manifest;
    private boolean removed;
    private DesiredView.RemovalCounts removal;
    private String lastApplied;

    /**
     * Places a declared revision; returns whether it became the newest. A sequenced revision takes
     * its sequence as position (a rewind moves a known revision up); one without a sequence is
     * placed by arrival below every sequenced one, and only the first time it is seen.
     */
    boolean advance(String revision, Long sequence) {
      long position;
      if (sequence != null) {
        position = sequence;
      } else if (order.containsKey(revision)) {
        return false;
      } else {
        position = Long.MIN_VALUE + arrivals++;
      }
      Long newestPosition = newest == null ? null : order.get(newest);
      if (newestPosition != null && position <= newestPosition) {
        order.putIfAbsent(revision, position);
        return false;
      }
      order.put(revision, position);
      newest = revision;
      return true;
    }
  }
}
