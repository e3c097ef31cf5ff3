package dev.opsledger.gitwatcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.gitwatcher.watch.PreviewRequests;
import org.junit.jupiter.api.Test;

/** What a standby forwards to the holder of the lease survives the trip through the lease topic. */
class ForwardedWebhookTest {

  @Test
  void aPushIsForwardedAsAFetch() {
    assertThat(GitWatcherService.encode(null)).isEqualTo("fetch");
    assertThat(GitWatcherService.decode("fetch")).isNull();
  }

  @Test
  void aPullRequestsNewsIsForwardedWithIt() {
    PreviewRequests.Change merged = new PreviewRequests.Change(42, false, true);

    assertThat(GitWatcherService.decode(GitWatcherService.encode(merged))).isEqualTo(merged);
  }

  @Test
  void aRecordItCannotReadOnlyFetches() {
    assertThat(GitWatcherService.decode("pr x true false")).isNull();
    assertThat(GitWatcherService.decode("something else")).isNull();
  }
}
