package dev.opsledger.applier.engine;

import dev.opsledger.events.ResourceKey;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Serialises the work on each resource: the diff, desired and approval consumers and the retry
 * thread all call the engine concurrently, and everything they do to one resource (decide, apply,
 * record the outcome) runs under that resource's lock, so a resource is never applied by two
 * threads at once and its events are written in the order its work ran.
 *
 * <p>Invariants: the same key always maps to the same lock; locks are striped (a fixed number,
 * shared by keys whose hashes collide), so memory does not grow with the number of resources and
 * two resources may wait on each other's work, never run into each other's; a body must not take
 * the lock of another resource (it could be the same stripe held in another order). Locks are
 * reentrant, so a body may call back into work on its own resource.
 */
public final class ResourceLocks {

  private static final int DEFAULT_STRIPES = 256;

  private final ReentrantLock[] stripes;

  /** The applier's locks: 256 stripes. */
  public ResourceLocks() {
    this(DEFAULT_STRIPES);
  }

  /** Locks over {@code stripes} stripes. */
  public ResourceLocks(int stripes) {
    if (stripes < 1) {
      throw new IllegalArgumentException("at least one stripe, got " + stripes);
    }
    this.stripes = new ReentrantLock[stripes];
    for (int i = 0; i < stripes; i++) {
      this.stripes[i] = new ReentrantLock();
    }
  }

  /** Runs {@code body} holding the lock of {@code key}. */
  public void run(ResourceKey key, Runnable body) {
    ReentrantLock lock = stripes[Math.floorMod(key.hashCode(), stripes.length)];
    lock.lock();
    try {
      body.run();
    } finally {
      lock.unlock();
    }
  }
}
