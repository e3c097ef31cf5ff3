package dev.opsledger.applier.engine;

import dev.opsledger.events.ResourceKey;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Where the applier's work on resources runs: a fixed number of lanes, each one thread, and a
 * resource always in the same lane. Different resources are applied concurrently, a resource's work
 * runs in the order it was handed over, and a lane's queue is bounded: when it is full, {@link
 * #submit} waits, so a consumer that hands over diffs faster than they are applied stops polling
 * instead of holding the backlog in memory.
 *
 * <p>What a lane holds when the applier stops is lost from memory only: the diffs' offsets may be
 * committed, but their final outcomes are not in the log, so the start-up replay derives the same
 * work again ({@link PendingWork}).
 *
 * <p>{@link #direct()} runs each task on the caller's thread, for tests that assert right after a
 * call.
 */
public final class ApplyLanes implements AutoCloseable {

  private final ThreadPoolExecutor[] lanes;

  private ApplyLanes(ThreadPoolExecutor[] lanes) {
    this.lanes = lanes;
  }

  /** No lanes: every task runs on the caller's thread, before {@link #submit} returns. */
  public static ApplyLanes direct() {
    return new ApplyLanes(new ThreadPoolExecutor[0]);
  }

  /**
   * {@code count} lanes of one thread each, named {@code applier-lane-<i>}.
   *
   * @param count how many resources are applied at once, at most
   * @param queued how many tasks a lane holds before {@link #submit} waits
   */
  public static ApplyLanes of(int count, int queued) {
    if (count < 1 || queued < 1) {
      throw new IllegalArgumentException(
          "at least one lane and one queued task, got " + count + " and " + queued);
    }
    ThreadPoolExecutor[] lanes = new ThreadPoolExecutor[count];
    for (int i = 0; i < count; i++) {
      String name = "applier-lane-" + i;
      lanes[i] =
          new ThreadPoolExecutor(
              1,
              1,
              0,
              TimeUnit.MILLISECONDS,
              new LinkedBlockingQueue<>(queued),
              r -> {
                Thread t = new Thread(r, name);
                t.setDaemon(true);
                return t;
              },
              ApplyLanes::waitForRoom);
    }
    return new ApplyLanes(lanes);
  }

  /**
   * Runs {@code task} in the lane of {@code key}, after the tasks handed over before it for the
   * same lane; waits while that lane's queue is full.
   *
   * @throws RejectedExecutionException when the lanes are closed
   */
  public void submit(ResourceKey key, Runnable task) {
    if (lanes.length == 0) {
      task.run();
      return;
    }
    lanes[Math.floorMod(key.hashCode(), lanes.length)].execute(task);
  }

  /**
   * Waits until every task handed over before this call has finished, at most {@code timeout}.
   *
   * @return whether they all finished in time
   */
  public boolean awaitDone(java.time.Duration timeout) throws InterruptedException {
    java.util.concurrent.CountDownLatch done =
        new java.util.concurrent.CountDownLatch(lanes.length);
    for (ThreadPoolExecutor lane : lanes) {
      try {
        // A lane runs its tasks in order: the marker runs after all handed over before it.
        lane.execute(done::countDown);
      } catch (RejectedExecutionException e) {
        done.countDown();
      }
    }
    return done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The number of lanes; 0 when tasks run on the caller's thread. */
  public int size() {
    return lanes.length;
  }

  /** Stops the lanes: running tasks are interrupted, queued ones dropped (derived again later). */
  @Override
  public void close() {
    for (ThreadPoolExecutor lane : lanes) {
      lane.shutdownNow();
    }
  }

  /** A full lane: the caller waits for room, unless the lane was shut down meanwhile. */
  private static void waitForRoom(Runnable task, ThreadPoolExecutor lane) {
    BlockingQueue<Runnable> queue = lane.getQueue();
    try {
      while (!lane.isShutdown()) {
        if (queue.offer(task, 100, TimeUnit.MILLISECONDS)) {
          if (lane.isShutdown() && queue.remove(task)) {
            break;
          }
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RejectedExecutionException("interrupted while waiting for room in a lane", e);
    }
    throw new RejectedExecutionException("the applier's lanes are closed");
  }
}
