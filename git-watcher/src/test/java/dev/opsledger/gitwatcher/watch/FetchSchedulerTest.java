package dev.opsledger.gitwatcher.watch;

import static dev.opsledger.testkit.TestAwait.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.gitwatcher.GitWatcherMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class FetchSchedulerTest {

  @Test
  void aStormOfRequestsCoalescesIntoOneRunningAndOneQueuedCycle() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger runs = new AtomicInteger();
    AtomicInteger concurrent = new AtomicInteger();
    AtomicInteger maxConcurrent = new AtomicInteger();
    try (FetchScheduler s =
        new FetchScheduler(4, new GitWatcherMetrics(new SimpleMeterRegistry()))) {
      s.register(
          "src",
          Duration.ofHours(1),
          () -> {
            maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
            runs.incrementAndGet();
            try {
              release.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            concurrent.decrementAndGet();
            return new WatchOutcome.NoChange("x");
          });
      assertThat(s.request("src")).isEqualTo(FetchScheduler.Trigger.STARTED);
      assertThat(s.request("src")).isEqualTo(FetchScheduler.Trigger.QUEUED);
      for (int i = 0; i < 100; i++) {
        assertThat(s.request("src")).isEqualTo(FetchScheduler.Trigger.COALESCED);
      }
      assertThat(s.request("other")).isEqualTo(FetchScheduler.Trigger.UNKNOWN_SOURCE);
      release.countDown();
      await("the running and the queued cycle completed")
          .until(() -> s.completedCycles("src").orElse(0) == 2);
      assertThat(runs.get()).isEqualTo(2);
      assertThat(maxConcurrent.get()).isEqualTo(1);
      assertThat(s.request("src")).isEqualTo(FetchScheduler.Trigger.STARTED);
      await("a later request runs again").until(() -> s.completedCycles("src").orElse(0) == 3);
    }
  }
}
