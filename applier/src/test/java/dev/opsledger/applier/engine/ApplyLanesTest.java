package dev.opsledger.applier.engine;

import static dev.opsledger.applier.engine.ApplyEngineTest.configMap;
import static dev.opsledger.testkit.TestAwait.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opsledger.events.ResourceKey;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ApplyLanesTest {

  final ApplyLanes lanes = ApplyLanes.of(1, 2);
  final CountDownLatch gate = new CountDownLatch(1);

  @AfterEach
  void close() {
    gate.countDown();
    lanes.close();
  }

  @Test
  void oneResourcesTasksRunInTheOrderTheyWereHandedOver() {
    ApplyLanes four = ApplyLanes.of(4, 8);
    try {
      ResourceKey web = configMap("web");
      List<Integer> ran = new CopyOnWriteArrayList<>();
      IntStream.range(0, 50).forEach(i -> four.submit(web, () -> ran.add(i)));

      await("every task ran").until(() -> ran.size() == 50);
      assertThat(ran).isSorted();
    } finally {
      four.close();
    }
  }

  @Test
  void aFullLaneMakesTheCallerWaitForRoomInsteadOfDroppingWork() {
    ResourceKey web = configMap("web");
    List<String> ran = new CopyOnWriteArrayList<>();
    lanes.submit(web, () -> awaitGate(ran, "running"));
    await("the first task runs").until(() -> ran.contains("running"));
    lanes.submit(web, () -> ran.add("queued 1"));
    lanes.submit(web, () -> ran.add("queued 2"));

    CompletableFuture<Void> third =
        CompletableFuture.runAsync(() -> lanes.submit(web, () -> ran.add("waited")));
    await("the caller is held while the lane is full")
        .during(java.time.Duration.ofMillis(300))
        .until(() -> !third.isDone());

    gate.countDown();
    third.join();
    await("every task ran, none dropped").until(() -> ran.size() == 4);
    assertThat(ran).containsExactly("running", "queued 1", "queued 2", "waited");
  }

  @Test
  void closedLanesRefuseWorkAndReleaseAWaitingCaller() {
    ResourceKey web = configMap("web");
    lanes.submit(web, () -> awaitGate(new CopyOnWriteArrayList<>(), "running"));
    lanes.submit(web, () -> {});
    lanes.submit(web, () -> {});
    CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> lanes.submit(web, () -> {}));

    lanes.close();

    await("the waiting caller is released").until(waiting::isDone);
    assertThat(waiting).isCompletedExceptionally();
    assertThatThrownBy(() -> lanes.submit(web, () -> {}))
        .isInstanceOf(RejectedExecutionException.class);
  }

  @Test
  void directLanesRunOnTheCallersThread() {
    Thread caller = Thread.currentThread();
    Thread[] ranOn = new Thread[1];
    ApplyLanes.direct().submit(configMap("web"), () -> ranOn[0] = Thread.currentThread());
    assertThat(ranOn[0]).isSameAs(caller);
  }

  private void awaitGate(List<String> ran, String mark) {
    ran.add(mark);
    try {
      gate.await(1, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
