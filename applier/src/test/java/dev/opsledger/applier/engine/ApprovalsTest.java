package dev.opsledger.applier.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.events.Person;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.events.SyncApproved;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** An approval approves exactly the revision it names, of its resource or of its source. */
class ApprovalsTest {

  private static final Person ADA = new Person("Ada", "ada@example.org");
  private static final Instant T = Instant.parse("2026-01-01T10:00:00Z");

  private final ResourceKey web = ResourceKey.of("test", "", "ConfigMap", "shop", "web");
  private final ResourceKey db = ResourceKey.of("test", "", "ConfigMap", "shop", "db");
  private final Approvals approvals = new Approvals();

  @Test
  void anApprovalOfAResourceAtR1ApprovesR1AndNoOtherRevisionOrResource() {
    assertThat(approvals.add(new SyncApproved(web, "src", "r1", ADA, "", T))).isTrue();

    assertThat(approvals.approves(web, "src", "r1")).isTrue();
    assertThat(approvals.approves(web, "src", "r1")).isTrue();
    assertThat(approvals.approves(web, "src", "r2")).isFalse();
    assertThat(approvals.approves(db, "src", "r1")).isFalse();
  }

  @Test
  void anApprovalOfASourceRevisionApprovesEveryResourceOfThatRevisionOnly() {
    approvals.add(new SyncApproved(null, "src", "r1", ADA, "", T));

    assertThat(approvals.approves(web, "src", "r1")).isTrue();
    assertThat(approvals.approves(db, "src", "r1")).isTrue();
    assertThat(approvals.approves(web, "src", "r2")).isFalse();
    assertThat(approvals.approves(web, "other", "r1")).isFalse();
  }

  @Test
  void anApprovalWithoutARevisionApprovesNothingNowOrLater() {
    SyncApproved unbound = new SyncApproved(web, null, null, ADA, "old record", T);

    assertThat(approvals.add(unbound)).isFalse();

    assertThat(approvals.approves(web, "src", "r1")).isFalse();
    assertThat(approvals.approves(web, "src", "r2")).isFalse();
    assertThat(approvals.approves(web, null, null)).isFalse();
    assertThat(Approvals.matches(unbound, web, "src", "r2")).isFalse();
  }

  @Test
  void anApprovalMatchesAWaitingDiffOnlyOfItsResourceAndRevision() {
    SyncApproved r1 = new SyncApproved(web, "src", "r1", ADA, "", T);

    assertThat(Approvals.matches(r1, web, "src", "r1")).isTrue();
    assertThat(Approvals.matches(r1, web, "src", "r2")).isFalse();
    assertThat(Approvals.matches(r1, db, "src", "r1")).isFalse();
  }
}
