package dev.opsledger.applier.rollback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsledger.events.DesiredStateChanged;
import dev.opsledger.events.DesiredStateRemoved;
import dev.opsledger.events.EventJson;
import dev.opsledger.events.Person;
import dev.opsledger.events.ResourceEvent;
import dev.opsledger.events.ResourceKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which state of which resources a rollback applies, from what the log recorded of a source. The
 * git-watcher declares only what a revision changes, so the state at a revision is each resource's
 * last declaration at or before it.
 */
class RollbackPlannerTest {

  static final String SRC = "shop";
  static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");
  static final Person ADA = new Person("Ada", "ada@example.org");
  static final String R1 = "1111aaaa" + "0".repeat(32);
  static final String R2 = "2222bbbb" + "0".repeat(32);
  static final String R3 = "2222cccc" + "0".repeat(32);
  static final String R4 = "4444dddd" + "0".repeat(32);

  final ResourceKey web = key("Deployment", "web");
  final ResourceKey cfg = key("ConfigMap", "cfg");
  final ResourceKey added = key("ConfigMap", "added");
  final List<RollbackPlanner.Revision> revisions = new ArrayList<>();
  final List<ResourceEvent> declarations = new ArrayList<>();

  /** R1 declares web:good and cfg:v1; R2 sets web:bad; R3 adds a resource; R4 changes cfg. */
  void history() {
    revision(R1, 1);
    declare(web, R1, 1, "good");
    declare(cfg, R1, 1, "v1");
    revision(R2, 2);
    declare(web, R2, 2, "bad");
    revision(R3, 3);
    declare(added, R3, 3, "new");
    revision(R4, 4);
    declare(cfg, R4, 4, "v2");
  }

  @Test
  void rollsBackEveryResourceToItsStateAtTheRevisionAndPausesAtGitsHead() {
    history();

    RollbackPlan plan = plan(new RollbackTarget(SRC, null, R1, null));

    assertThat(plan.targetRevision()).isEqualTo(R1);
    assertThat(plan.headRevision()).isEqualTo(R4);
    assertThat(plan.headSequence()).isEqualTo(4);
    assertThat(plan.steps())
        .extracting(
            s -> s.resource().name(), s -> tag(s.manifest()), RollbackPlan.Step::pausedRevision)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("web", "good", R2),
            org.assertj.core.groups.Tuple.tuple("cfg", "v1", R4));
  }

  @Test
  void aResourceTheTargetDidNotTouchKeepsItsEarlierDeclaration() {
    history();

    RollbackPlan plan = plan(new RollbackTarget(SRC, null, R3, null));

    // At R3, web is what R2 declared and cfg what R1 declared; only cfg differs from the head.
    assertThat(plan.steps())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.resource()).isEqualTo(cfg);
              assertThat(tag(s.manifest())).isEqualTo("v1");
              assertThat(s.declaredAt()).isEqualTo(R1);
            });
    assertThat(plan.unchanged()).containsExactlyInAnyOrder(web, added);
  }

  @Test
  void aResourceAddedAfterTheTargetIsLeftAsIsAndNotPruned() {
    history();

    RollbackPlan plan = plan(new RollbackTarget(SRC, null, R1, null));

    assertThat(plan.leftAsIs())
        .singleElement()
        .satisfies(
            l -> {
              assertThat(l.resource()).isEqualTo(added);
              assertThat(l.why()).contains("not declared at 1111aaaa").contains("not pruned");
            });
  }

  @Test
  void aResourceGitRemovedSinceIsDeclaredAgainByTheRollback() {
    history();
    revision("5555eeee" + "0".repeat(32), 5);
    declarations.add(
        new DesiredStateRemoved(
            web, SRC, "5555eeee" + "0".repeat(32), "web.yaml", ADA, T0, null, 5L, 1, 3));

    RollbackPlan plan = plan(new RollbackTarget(SRC, null, R1, null));

    assertThat(plan.steps())
        .anySatisfy(
            s -> {
              assertThat(s.resource()).isEqualTo(web);
              assertThat(tag(s.manifest())).isEqualTo("good");
            });
  }

  @Test
  void aUniqueShaPrefixNamesTheRevision() {
    history();

    assertThat(plan(new RollbackTarget(SRC, null, "1111", null)).targetRevision()).isEqualTo(R1);
    assertThat(plan(new RollbackTarget(SRC, null, "2222BBBB", null)).targetRevision())
        .isEqualTo(R2);
  }

  @Test
  void anAmbiguousPrefixIsRefusedWithTheRevisionsItMatches() {
    history();

    assertThatThrownBy(() -> plan(new RollbackTarget(SRC, null, "2222", null)))
        .isInstanceOfSatisfying(RollbackRefused.class, e -> assertThat(e.status()).isEqualTo(409))
        .hasMessageContaining("ambiguous")
        .hasMessageContaining("2222bbbb")
        .hasMessageContaining("2222cccc");
  }

  @Test
  void anUnknownShaIsRefusedAsNotFound() {
    history();

    assertThatThrownBy(() -> plan(new RollbackTarget(SRC, null, "deadbeef", null)))
        .isInstanceOfSatisfying(RollbackRefused.class, e -> assertThat(e.status()).isEqualTo(404))
        .hasMessage("no revision of source shop starts with deadbeef");
  }

  @Test
  void somethingThatIsNoShaIsRefusedAsNotFound() {
    history();

    assertThatThrownBy(() -> plan(new RollbackTarget(SRC, null, "HEAD~1", null)))
        .isInstanceOfSatisfying(RollbackRefused.class, e -> assertThat(e.status()).isEqualTo(404))
        .hasMessageContaining("is not a revision");
    assertThatThrownBy(() -> plan(new RollbackTarget(SRC, null, "111", null)))
        .isInstanceOf(RollbackRefused.class)
        .hasMessageContaining("at least 4 hex digits");
  }

  @Test
  void aTimeNamesTheRevisionThatWasGitsHeadThen() {
    history();

    // Revision n is recorded at T0 + 50 s × n: R2 at +100 s, R3 at +150 s.
    assertThat(plan(new RollbackTarget(SRC, null, null, T0.plusSeconds(149))).targetRevision())
        .isEqualTo(R2);
    assertThat(plan(new RollbackTarget(SRC, null, null, T0.plusSeconds(100))).targetRevision())
        .isEqualTo(R2);
  }

  @Test
  void aTimeBeforeTheFirstRevisionIsRefused() {
    history();

    assertThatThrownBy(() -> plan(new RollbackTarget(SRC, null, null, T0)))
        .isInstanceOfSatisfying(RollbackRefused.class, e -> assertThat(e.status()).isEqualTo(404))
        .hasMessageContaining("had no revision yet");
  }

  @Test
  void oneResourceRollsBackAloneAndItsSourceIsTheOneThatDeclaresIt() {
    history();

    RollbackPlan plan = plan(new RollbackTarget(null, web, R1, null));

    assertThat(plan.sourceId()).isEqualTo(SRC);
    assertThat(plan.steps()).extracting(RollbackPlan.Step::resource).containsExactly(web);
    assertThat(plan.leftAsIs()).isEmpty();
  }

  @Test
  void aResourceGitNeverDeclaredIsRefused() {
    history();

    assertThatThrownBy(() -> plan(new RollbackTarget(null, key("Secret", "nope"), R1, null)))
        .isInstanceOfSatisfying(RollbackRefused.class, e -> assertThat(e.status()).isEqualTo(404))
        .hasMessageContaining("Git never declared it");
  }

  @Test
  void rollingBackToWhatGitDeclaresAlreadyIsRefusedAsNothingToDo() {
    history();

    assertThatThrownBy(() -> plan(new RollbackTarget(SRC, null, R4, null)))
        .isInstanceOfSatisfying(RollbackRefused.class, e -> assertThat(e.status()).isEqualTo(409))
        .hasMessageContaining("nothing to roll back");
  }

  @Test
  void anUnknownSourceIsRefused() {
    history();

    assertThatThrownBy(() -> plan(new RollbackTarget("nope", null, R1, null)))
        .isInstanceOfSatisfying(RollbackRefused.class, e -> assertThat(e.status()).isEqualTo(404))
        .hasMessage("the log has no revision of source nope");
  }

  @Test
  void aLogWithoutSequencesCannotPlaceRevisionsAndIsRefused() {
    revisions.add(new RollbackPlanner.Revision(SRC, R1, null, T0));

    assertThatThrownBy(() -> plan(new RollbackTarget(SRC, null, R1, null)))
        .isInstanceOfSatisfying(RollbackRefused.class, e -> assertThat(e.status()).isEqualTo(422));
  }

  private RollbackPlan plan(RollbackTarget target) {
    return RollbackPlanner.plan(target, revisions, declarations);
  }

  /** Records revision {@code sequence} at T0 + 50 s × sequence. */
  private void revision(String sha, long sequence) {
    revisions.add(new RollbackPlanner.Revision(SRC, sha, sequence, T0.plusSeconds(50 * sequence)));
  }

  private void declare(ResourceKey key, String revision, long sequence, String tag) {
    ObjectNode m = EventJson.mapper().createObjectNode();
    m.put("kind", key.kind()).putObject("metadata").put("name", key.name()).put("tag", tag);
    declarations.add(
        new DesiredStateChanged(
            key, SRC, revision, key.name() + ".yaml", "sha256:" + tag, m, ADA, T0, null, sequence));
  }

  private static String tag(com.fasterxml.jackson.databind.JsonNode manifest) {
    return manifest.path("metadata").path("tag").asText();
  }

  private static ResourceKey key(String kind, String name) {
    return ResourceKey.of("prod", kind.equals("Deployment") ? "apps" : "", kind, "shop", name);
  }
}
