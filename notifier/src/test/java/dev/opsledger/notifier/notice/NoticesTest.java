package dev.opsledger.notifier.notice;

import static dev.opsledger.notifier.Fixtures.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.events.FieldsConflicted;
import dev.opsledger.events.PruneHeld;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.notifier.Fixtures;
import dev.opsledger.notifier.route.Templates;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class NoticesTest {

  final Instant t0 = Instant.parse("2026-01-01T10:00:00Z");
  final ResourceKey web = Fixtures.deployment("prod", "web");
  final Notices notices = new Notices(1000);

  @Test
  void driftGivesAWarningNoticeWithAMaskedDiffExcerpt() {
    List<Notice> out =
        notices.observe(at(t0, "abc", Fixtures.drift(web, "shop", "abcdef123456", t0)));

    Notice drift =
        out.stream().filter(n -> n.kind() == NoticeKind.DRIFT_DETECTED).findFirst().get();
    assertThat(drift.severity()).isEqualTo(Severity.WARNING);
    assertThat(drift.subject()).isEqualTo(web.toString());
    assertThat(drift.dedupeKey()).isEqualTo(web + "|drifted");
    assertThat(drift.value("diff")).contains("+  replicas: 3").contains(Masking.MASK);
    assertThat(drift.values().values()).noneMatch(v -> v.contains("opsledger:sealed:v1:abc"));
    assertThat(drift.value("shortRevision")).isEqualTo("abcdef12");
  }

  @Test
  void inSyncIsToldAsConvergedOnlyAfterAProblem() {
    assertThat(kinds(notices.observe(at(t0, "r1", Fixtures.inSync(web, "shop", "r1", t0)))))
        .doesNotContain(NoticeKind.CONVERGED);

    notices.observe(at(t0.plusSeconds(1), "r1", Fixtures.drift(web, "shop", "r1", t0)));
    List<Notice> out =
        notices.observe(at(t0.plusSeconds(2), "r1", Fixtures.inSync(web, "shop", "r1", t0)));

    Notice converged = out.stream().filter(n -> n.kind() == NoticeKind.CONVERGED).findFirst().get();
    assertThat(converged.value("previousState")).isEqualTo("drifted");
    assertThat(converged.severity()).isEqualTo(Severity.INFO);
  }

  @Test
  void anOlderEventDoesNotUndoANewerOne() {
    notices.observe(at(t0.plusSeconds(10), "r1", Fixtures.inSync(web, "shop", "r1", t0)));
    notices.observe(at(t0, "r1", Fixtures.drift(web, "shop", "r1", t0)));
    List<Notice> out =
        notices.observe(at(t0.plusSeconds(20), "r1", Fixtures.inSync(web, "shop", "r1", t0)));
    assertThat(kinds(out)).doesNotContain(NoticeKind.CONVERGED);
  }

  @Test
  void terminalApplyFailureIsAnErrorAndSaysItWillNotRetry() {
    Notice failed =
        notices.observe(at(t0, "r1", Fixtures.applyFailed(web, "shop", "r1", true, t0))).get(0);
    assertThat(failed.kind()).isEqualTo(NoticeKind.APPLY_FAILED);
    assertThat(failed.severity()).isEqualTo(Severity.ERROR);
    assertThat(failed.value("retry")).startsWith("Terminal");

    Notice retrying =
        notices.observe(at(t0, "r2", Fixtures.applyFailed(web, "shop", "r2", false, t0))).get(0);
    assertThat(retrying.severity()).isEqualTo(Severity.WARNING);
    assertThat(retrying.value("retry")).contains("retries at");
  }

  @Test
  void manualApprovalSkipAsksForApproval() {
    List<Notice> out = notices.observe(at(t0, "r1", Fixtures.approval(web, "shop", "r1", t0)));
    assertThat(kinds(out)).containsExactly(NoticeKind.APPROVAL_NEEDED, NoticeKind.COMMIT_STATUS);
  }

  @Test
  void rejectedCommitListsFileAndLineOfEveryErrorAndFailsTheRevision() {
    List<Notice> out = notices.observe(at(t0, "bad1", Fixtures.rejected("shop", "bad1", t0)));
    assertThat(out.get(0).value("errors"))
        .contains("deploy/web.yaml:12: spec.replicas must be an integer")
        .contains("deploy/db.yaml:3: unknown kind Foo");
    assertThat(out.get(1).commitState()).isEqualTo(CommitState.FAILURE);
  }

  @Test
  void aHeldPruneAlertsWithTheCountsOfTheRevision() {
    List<Notice> out =
        notices.observe(at(t0, "r2", new PruneHeld("shop", "r2abcdef1234", 9, 10, t0)));

    assertThat(out)
        .singleElement()
        .satisfies(
            n -> {
              assertThat(n.kind()).isEqualTo(NoticeKind.PRUNE_HELD);
              assertThat(n.severity()).isEqualTo(Severity.WARNING);
              assertThat(n.subject()).isEqualTo("shop");
              assertThat(n.value("removals")).isEqualTo("9");
              assertThat(n.value("declaredBefore")).isEqualTo("10");
            });
    assertThat(Templates.defaults().text(out.get(0))).contains("removes 9 of its 10 resources");
  }

  @Test
  void aFieldConflictNamesTheManagerThatOwnedTheField() {
    var taken =
        new FieldsConflicted(
            web,
            "shop",
            "r1",
            true,
            List.of(new FieldsConflicted.Field("hpa-controller", ".spec.replicas")),
            t0);

    Notice n = notices.observe(at(t0, "r1", taken)).get(0);

    assertThat(n.kind()).isEqualTo(NoticeKind.FIELDS_CONFLICTED);
    assertThat(n.severity()).isEqualTo(Severity.INFO);
    assertThat(n.value("fields")).isEqualTo(".spec.replicas (hpa-controller)");
    assertThat(n.value("managers")).isEqualTo("hpa-controller");
    assertThat(NoticeKind.FIELDS_CONFLICTED.routedByDefault()).isFalse();
  }

  @Test
  void longDiffsAreCutToAnExcerpt() {
    String diff = "line\n".repeat(500);
    assertThat(Notices.excerpt(diff).lines().count())
        .isLessThanOrEqualTo(Notices.MAX_EXCERPT_LINES + 1);
    assertThat(Notices.excerpt(diff)).endsWith("more lines)");
  }

  private static List<NoticeKind> kinds(List<Notice> notices) {
    return notices.stream().map(Notice::kind).toList();
  }
}
