package dev.opsledger.applier.engine;

import static dev.opsledger.testkit.TestAwait.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.events.ResourceMissing;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetrySchedulerTest {

  static Work work(String kind, String ns, String name) {
    ResourceKey key = ResourceKey.of("c", "", kind, ns, name);
    return new Work(
        EventEnvelope.create("/t", "r", new ResourceMissing(key, "s", "r", Instant.now())),
        1,
        Instant.now());
  }

  @Test
  void runsWorkDueAtOnce() {
    List<Work> ran = new CopyOnWriteArrayList<>();
    try (RetryScheduler scheduler = new RetryScheduler(Clock.systemUTC())) {
      scheduler.runWith(ran::add);
      for (int i = 0; i < 200; i++) {
        scheduler.schedule(work("ConfigMap", "ns", "cm" + i), Duration.ZERO);
      }
      await("200 immediate retries ran").until(() -> ran.size() == 200);
      assertThat(scheduler.size()).isZero();
    }
  }

  @Test
  void keepsOnlyTheNewestWorkOfAResource() {
    List<Work> ran = new CopyOnWriteArrayList<>();
    try (RetryScheduler scheduler = new RetryScheduler(Clock.systemUTC())) {
      scheduler.runWith(ran::add);
      Work first = work("ConfigMap", "ns", "same");
      Work second = work("ConfigMap", "ns", "same");
      // Far in the future, then woken: a slow machine cannot run the first before the second
      // replaces it.
      scheduler.schedule(first, Duration.ofHours(1));
      scheduler.schedule(second, Duration.ofHours(1));
      assertThat(scheduler.size()).isEqualTo(1);
      scheduler.wake(k -> k.name().equals("same"));
      await("the newest work ran").until(() -> !ran.isEmpty());
      assertThat(ran).containsExactly(second);
    }
  }

  @Test
  void wakesWorkWaitingOnANamespaceInKindOrder() {
    List<Work> ran = new CopyOnWriteArrayList<>();
    try (RetryScheduler scheduler = new RetryScheduler(Clock.systemUTC())) {
      scheduler.runWith(ran::add);
      Work waiting = work("ConfigMap", "late", "cm");
      Work other = work("ConfigMap", "elsewhere", "cm");
      scheduler.schedule(waiting, Duration.ofHours(1));
      scheduler.schedule(other, Duration.ofHours(1));
      scheduler.wake(k -> k.namespace().equals("late"));
      await("the woken work ran").until(() -> ran.contains(waiting));
      assertThat(ran).doesNotContain(other);
      assertThat(scheduler.size()).isEqualTo(1);
    }
  }

  @Test
  void aWakeThatMeetsAFiringRetryDoesNotRunItTwice() {
    // A namespace applied while its object's retry fires: the wake must not schedule the work
    // again once the retry took it (a second attempt was recorded as an Unchanged success).
    Map<ResourceKey, AtomicInteger> runs = new ConcurrentHashMap<>();
    try (RetryScheduler scheduler = new RetryScheduler(Clock.systemUTC())) {
      scheduler.runWith(
          w -> runs.computeIfAbsent(w.key(), k -> new AtomicInteger()).incrementAndGet());
      int n = 3000;
      for (int i = 0; i < n; i++) {
        scheduler.schedule(work("ConfigMap", "ns", "cm" + i), Duration.ZERO);
        scheduler.wake(k -> true);
      }
      await("every retry ran").until(() -> runs.size() == n && scheduler.size() == 0);
      assertThat(runs.values()).allSatisfy(count -> assertThat(count.get()).isEqualTo(1));
    }
  }
}
