package dev.opsledger.applier.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsledger.events.HealthStatus;
import dev.opsledger.events.ResourceExtraneous;
import dev.opsledger.events.ResourceInSync;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.events.ResourceMissing;
import dev.opsledger.events.ResourceRemoved;
import dev.opsledger.events.SkipPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The gate over the applier's own state that orders writes: sync waves within a source, prunes in
 * reverse wave order, and depends-on between sources. Pure: no engine, no clock but the one given.
 */
class OrderGateTest {

  static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
  static final Duration GRACE = Duration.ofSeconds(30);

  final OrderGate gate = new OrderGate(Map.of("apps", List.of("platform")), GRACE);

  @Test
  void aResourceWithoutWavesOrDependenciesIsNeverHeld() {
    OrderGate plain = new OrderGate(Map.of(), GRACE);
    ResourceKey web = key("web");
    plain.noteDesired(web, declared("shop", 0, "r1", web));

    assertThat(plain.active()).isFalse();
    assertThat(plain.check(web, false, k -> true, T0)).isNull();
  }

  @Test
  void aHigherWaveWaitsForEveryLowerWaveResourceNamingThem() {
    ResourceKey db = key("db");
    ResourceKey cache = key("cache");
    ResourceKey app = key("app");
    gate.noteDesired(db, declared("shop", -1, "r1", db));
    gate.noteDesired(cache, declared("shop", 0, "r1", cache));
    gate.noteDesired(app, declared("shop", 2, "r1", app));

    Decision.WaitForOrder wait = gate.check(app, false, k -> true, T0);

    assertThat(wait.policy()).isEqualTo(SkipPolicy.WAITING_FOR_WAVE);
    assertThat(wait.detail())
        .isEqualTo("wave 2 waits for wave -1 of source shop: " + db + " (not in sync at r1)");
  }

  @Test
  void aHigherWaveWaitsForTheRestOfItsRevisionWhoseDeclarationsAreStillOnTheirWay() {
    ResourceKey ns = key("ns");
    ResourceKey app = key("app");
    ResourceKey db = key("db");
    // The namespace and the wave 1 app of revision r1 are seen; the wave 0 db, declared with them
    // on another partition, is still a few records behind.
    gate.noteDesired(ns, declared("shop", 0, "r1", ns), T0);
    gate.noteDesired(app, declared("shop", 1, "r1", app), T0.plusMillis(3));
    gate.noteDiff(new ResourceInSync(ns, "shop", "r1", "h", T0));
    gate.noteHealth(ns, HealthStatus.HEALTHY);

    Decision.WaitForOrder wait = gate.check(app, false, k -> true, T0.plusMillis(10));

    assertThat(wait.policy()).isEqualTo(SkipPolicy.WAITING_FOR_WAVE);
    assertThat(wait.detail())
        .isEqualTo(
            "wave 1 waits for the rest of revision r1 of source shop: declarations of wave 0 and"
                + " up may still be on their way (2 s)");
    gate.noteDesired(db, declared("shop", 0, "r1", db), T0.plusMillis(14));
    assertThat(gate.check(app, false, k -> true, T0.plusMillis(20)).detail())
        .startsWith("wave 1 waits for the rest of revision r1");
    assertThat(gate.check(app, false, k -> true, T0.plus(OrderGate.SETTLE)).detail())
        .isEqualTo("wave 1 waits for wave 0 of source shop: " + db + " (not in sync at r1)");
    assertThat(gate.check(ns, false, k -> true, T0.plusMillis(20)))
        .as("the lowest wave declared so far goes at once")
        .isNull();
  }

  @Test
  void aHigherWaveSeenFirstOfItsRevisionWaitsForTheWaveZeroResourcesStillOnTheirWay() {
    ResourceKey app = key("app");
    gate.noteDesired(app, declared("shop", 1, "r1", app), T0);

    assertThat(gate.check(app, false, k -> true, T0.plusMillis(5)).detail())
        .startsWith(
            "wave 1 waits for the rest of revision r1 of source shop: declarations of wave 0");
    assertThat(gate.check(app, false, k -> true, T0.plus(OrderGate.SETTLE)))
        .as("nothing else was declared with it")
        .isNull();
  }

  @Test
  void aLowerWaveInSyncAndHealthyReleasesTheNextOne() {
    ResourceKey db = key("db");
    ResourceKey app = key("app");
    gate.noteDesired(db, declared("shop", 0, "r1", db));
    gate.noteDesired(app, declared("shop", 1, "r1", app));
    gate.noteDiff(new ResourceMissing(db, "shop", "r1", T0));
    gate.noteDiff(new ResourceInSync(db, "shop", "r1", "h", T0));

    assertThat(gate.check(app, false, k -> true, T0).detail())
        .endsWith(db + " (health not reported yet)");
    gate.noteHealth(db, HealthStatus.PROGRESSING);
    assertThat(gate.check(app, false, k -> true, T0).detail()).endsWith(db + " (Progressing)");
    gate.noteHealth(db, HealthStatus.HEALTHY);
    assertThat(gate.check(app, false, k -> true, T0)).isNull();
  }

  @Test
  void inSyncAtAnOlderRevisionDoesNotCount() {
    ResourceKey db = key("db");
    ResourceKey app = key("app");
    gate.noteDiff(new ResourceInSync(db, "shop", "r1", "h", T0));
    gate.noteHealth(db, HealthStatus.HEALTHY);
    gate.noteDesired(db, declared("shop", 0, "r2", db));
    gate.noteDesired(app, declared("shop", 1, "r2", app));

    assertThat(gate.check(app, false, k -> true, T0).detail())
        .endsWith(db + " (not in sync at r2)");
  }

  @Test
  void unknownOrUnreportedHealthHoldsOnlyForTheGrace() {
    ResourceKey db = key("db");
    ResourceKey app = key("app");
    gate.noteDesired(db, declared("shop", 0, "r1", db));
    gate.noteDesired(app, declared("shop", 1, "r1", app));
    gate.noteDiff(new ResourceInSync(db, "shop", "r1", "h", T0));

    assertThat(gate.check(app, false, k -> true, T0.plusSeconds(29))).isNotNull();
    assertThat(gate.check(app, false, k -> true, T0.plus(GRACE))).isNull();

    gate.noteHealth(db, HealthStatus.UNKNOWN);
    assertThat(gate.check(app, false, k -> true, T0.plusSeconds(29)).detail())
        .endsWith("(Unknown)");
    assertThat(gate.check(app, false, k -> true, T0.plus(GRACE))).isNull();
  }

  @Test
  void aDegradedLowerWaveHoldsPastTheGraceUntilItRecovers() {
    ResourceKey db = key("db");
    ResourceKey app = key("app");
    gate.noteDesired(db, declared("shop", 0, "r1", db));
    gate.noteDesired(app, declared("shop", 1, "r1", app));
    gate.noteHealth(db, HealthStatus.DEGRADED);
    gate.noteDiff(new ResourceMissing(db, "shop", "r1", T0));
    gate.noteDiff(new ResourceInSync(db, "shop", "r1", "h", T0));

    // The Degraded report came before the change: stale, but nothing newer was reported.
    assertThat(gate.check(app, false, k -> true, T0.plusSeconds(3600)).detail())
        .endsWith(db + " (Degraded)");
    gate.noteHealth(db, HealthStatus.HEALTHY);
    assertThat(gate.check(app, false, k -> true, T0)).isNull();
  }

  @Test
  void wavesOfOtherSourcesDoNotHold() {
    ResourceKey other = key("other");
    ResourceKey app = key("app");
    gate.noteDesired(other, declared("elsewhere", -5, "r1", other));
    gate.noteDesired(app, declared("shop", 1, "r1", app));

    assertThat(gate.check(app, false, k -> true, T0)).isNull();
  }

  @Test
  void prunesRunInReverseWaveOrder() {
    ResourceKey db = key("db");
    ResourceKey app = key("app");
    gate.noteDesired(db, removed("shop", 0, "r2", db));
    gate.noteDesired(app, removed("shop", 1, "r2", app));
    assertThat(gate.check(db, true, k -> true, T0))
        .as("a higher wave whose removal the differ has not reported yet")
        .isNotNull();
    gate.noteDiff(new ResourceExtraneous(app, "shop", "r2", "h", T0));

    Decision.WaitForOrder wait = gate.check(db, true, k -> true, T0);
    assertThat(wait.policy()).isEqualTo(SkipPolicy.WAITING_FOR_WAVE);
    assertThat(wait.detail())
        .isEqualTo(
            "prune of wave 0 waits for the prune of wave 1 of source shop: "
                + app
                + " not pruned yet");
    assertThat(gate.check(app, true, k -> true, T0)).isNull();

    gate.noteDiff(new ResourceRemoved(app, "shop", "r2", T0));
    assertThat(gate.check(db, true, k -> true, T0)).isNull();
  }

  @Test
  void aHigherWaveThatWillNeverBePrunedDoesNotHoldThePrune() {
    ResourceKey db = key("db");
    ResourceKey app = key("app");
    gate.noteDesired(db, removed("shop", 0, "r2", db));
    gate.noteDesired(app, removed("shop", 1, "r2", app));
    gate.noteDiff(new ResourceExtraneous(app, "shop", "r2", "h", T0));

    assertThat(gate.check(db, true, k -> !k.equals(app), T0)).isNull();
  }

  @Test
  void aSourceWaitsForEveryResourceOfTheSourceItDependsOn() {
    ResourceKey api = key("api");
    ResourceKey web = key("web");
    assertThat(gate.check(web, false, k -> true, T0)).isNull();
    gate.noteDesired(web, declared("apps", 0, "b1", web));

    assertThat(gate.check(web, false, k -> true, T0).detail())
        .isEqualTo("source apps waits for source platform: nothing of it declared yet");

    gate.noteDesired(api, declared("platform", 0, "a1", api));
    Decision.WaitForOrder wait = gate.check(web, false, k -> true, T0);
    assertThat(wait.policy()).isEqualTo(SkipPolicy.WAITING_FOR_SOURCE);
    assertThat(wait.detail())
        .isEqualTo(
            "source apps waits for source platform to be in sync and healthy: "
                + api
                + " (not in sync at a1)");

    gate.noteDiff(new ResourceInSync(api, "platform", "a1", "h", T0));
    gate.noteHealth(api, HealthStatus.HEALTHY);
    assertThat(gate.check(web, false, k -> true, T0)).isNull();
    assertThat(gate.releasedBy("platform")).containsExactlyInAnyOrder("platform", "apps");
  }

  @Test
  void aDependencyCycleIsRefusedNamingIt() {
    assertThatThrownBy(
            () ->
                OrderGate.requireNoCycle(
                    Map.of("a", List.of("b"), "b", List.of("c"), "c", List.of("a"))))
        .hasMessage("depends-on has a cycle: a -> b -> c -> a");
    assertThatThrownBy(() -> OrderGate.requireNoCycle(Map.of("a", List.of("a"))))
        .hasMessage("depends-on has a cycle: a -> a");
    OrderGate.requireNoCycle(Map.of("a", List.of("b", "c"), "b", List.of("c")));
  }

  @Test
  void theWaveIsAnIntegerAnnotationAndAnythingElseIsWaveZero() {
    assertThat(OrderGate.waveOf(withWave("-2"))).isEqualTo(-2);
    assertThat(OrderGate.waveOf(withWave(" 3 "))).isEqualTo(3);
    assertThat(OrderGate.waveOf(withWave("+1"))).isEqualTo(1);
    assertThat(OrderGate.waveOf(withWave("first"))).isZero();
    assertThat(OrderGate.waveOf(withWave("99999999999"))).isZero();
    assertThat(OrderGate.waveOf(ApplyEngineTest.manifest(key("x"), "r1"))).isZero();
    assertThat(OrderGate.waveOf(null)).isZero();
  }

  static ResourceKey key(String name) {
    return ApplyEngineTest.configMap(name);
  }

  static ObjectNode withWave(String wave) {
    ObjectNode m = ApplyEngineTest.manifest(key("x"), "r1");
    ((ObjectNode) m.get("metadata")).putObject("annotations").put(OrderGate.SYNC_WAVE, wave);
    return m;
  }

  static DesiredView declared(String source, int wave, String revision, ResourceKey key) {
    ObjectNode m = ApplyEngineTest.manifest(key, revision);
    ((ObjectNode) m.get("metadata"))
        .putObject("annotations")
        .put(OrderGate.SYNC_WAVE, Integer.toString(wave));
    return new DesiredView(source, revision, m, false, null, Map.of(revision, 1L));
  }

  static DesiredView removed(String source, int wave, String revision, ResourceKey key) {
    DesiredView d = declared(source, wave, revision, key);
    return new DesiredView(source, revision, d.manifest(), true, null, d.order());
  }
}
