package dev.opsledger.collector.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.events.ResourceKey;
import java.util.List;
import org.junit.jupiter.api.Test;

class AwsTargetPollerTest {

  private static ResourceKey bucket(String name) {
    return AwsManifests.key("1:eu", "S3Bucket", name);
  }

  @Test
  void aResourceSeenBeforeAndMissedByASuccessfulListIsAbsent() {
    assertThat(
            AwsTargetPoller.missing(
                List.of(bucket("a"), bucket("b")), List.of(), List.of(bucket("a"))))
        .containsExactly(bucket("b"));
  }

  @Test
  void aDeclaredResourceNeverFoundIsAbsent() {
    assertThat(AwsTargetPoller.missing(List.of(), List.of(bucket("c")), List.of(bucket("a"))))
        .containsExactly(bucket("c"));
  }

  @Test
  void nothingIsAbsentWhenTheListFoundEverything() {
    assertThat(
            AwsTargetPoller.missing(
                List.of(bucket("a")), List.of(bucket("a")), List.of(bucket("a"), bucket("b"))))
        .isEmpty();
  }
}
