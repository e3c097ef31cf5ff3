package dev.opsledger.notifier.notice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.notifier.notice.RevisionStatus.ResourceState;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RevisionStatusTest {

  final Instant t0 = Instant.parse("2026-01-01T10:00:00Z");
  final RevisionStatus status = new RevisionStatus(100);

  @Test
  void aNewCommitIsPendingUntilItsFirstDiff() {
    assertThat(status.commitObserved("shop", "r1").state()).isEqualTo(CommitState.PENDING);
  }

  @Test
  void pendingWhileAnyResourceIsDriftedThenSuccessWhenAllAreInSync() {
    status.resource("shop", "r1", "a", ResourceState.IN_SYNC, t0);
    assertThat(status.resource("shop", "r1", "b", ResourceState.OUT_OF_SYNC, t0).state())
        .isEqualTo(CommitState.PENDING);
    assertThat(
            status.resource("shop", "r1", "b", ResourceState.APPLYING, t0.plusSeconds(1)).state())
        .isEqualTo(CommitState.RUNNING);
    var done = status.resource("shop", "r1", "b", ResourceState.IN_SYNC, t0.plusSeconds(2));
    assertThat(done.state()).isEqualTo(CommitState.SUCCESS);
    assertThat(done.summary()).isEqualTo("all 2 resources in sync");
  }

  @Test
  void aTerminalFailureOfOneResourceFailsTheRevision() {
    status.resource("shop", "r1", "a", ResourceState.IN_SYNC, t0);
    var failed = status.resource("shop", "r1", "b", ResourceState.FAILED, t0);
    assertThat(failed.state()).isEqualTo(CommitState.FAILURE);
    assertThat(failed.summary()).isEqualTo("1 of 2 resources failed to converge");
  }

  @Test
  void awaitingApprovalIsPending() {
    assertThat(status.resource("shop", "r1", "a", ResourceState.AWAITING_APPROVAL, t0).state())
        .isEqualTo(CommitState.PENDING);
  }

  @Test
  void aRejectedCommitFailsWhateverItsResourcesDo() {
    status.resource("shop", "r1", "a", ResourceState.IN_SYNC, t0);
    assertThat(status.commitRejected("shop", "r1").state()).isEqualTo(CommitState.FAILURE);
  }

  @Test
  void anOlderEventOfAResourceIsIgnored() {
    status.resource("shop", "r1", "a", ResourceState.IN_SYNC, t0.plusSeconds(5));
    assertThat(status.resource("shop", "r1", "a", ResourceState.APPLYING, t0).state())
        .isEqualTo(CommitState.SUCCESS);
  }

  @Test
  void revisionsOfDifferentSourcesAreSeparate() {
    status.resource("shop", "r1", "a", ResourceState.FAILED, t0);
    assertThat(status.resource("billing", "r1", "a", ResourceState.IN_SYNC, t0).state())
        .isEqualTo(CommitState.SUCCESS);
  }
}
