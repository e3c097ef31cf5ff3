package dev.opsledger.applier.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsledger.events.EventJson;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PolicyResolverTest {

  static final SyncPolicy PRUNING = new SyncPolicy(true, true, true, false, true);
  final PolicyResolver resolver = new PolicyResolver(Map.of("prod", PRUNING), SyncPolicy.DEFAULT);

  static ObjectNode annotated(Map<String, String> annotations) {
    ObjectNode m = EventJson.mapper().createObjectNode();
    ObjectNode a = m.putObject("metadata").putObject("annotations");
    annotations.forEach(a::put);
    return m;
  }

  @Test
  void usesTheSourcePolicyOrTheDefaults() {
    assertThat(resolver.resolve("prod", null)).isEqualTo(PRUNING);
    assertThat(resolver.resolve("other", null)).isEqualTo(SyncPolicy.DEFAULT);
    assertThat(resolver.resolve(null, null)).isEqualTo(SyncPolicy.DEFAULT);
  }

  @Test
  void annotationsOverrideTheSourcePolicy() {
    SyncPolicy p =
        resolver.resolve(
            "prod",
            annotated(
                Map.of(
                    "opsledger.dev/sync-policy", "manual",
                    "opsledger.dev/prune", "false",
                    "opsledger.dev/self-heal", "false")));
    assertThat(p).isEqualTo(new SyncPolicy(false, false, false, false, true));
  }

  @Test
  void ignoresAnnotationValuesItDoesNotKnow() {
    assertThat(resolver.resolve("prod", annotated(Map.of("opsledger.dev/prune", "maybe"))))
        .isEqualTo(PRUNING);
  }

  @Test
  void aDetectOnlySourceMakesEveryResourceDetectOnlyUnlessItsAnnotationSaysAutoOrManual() {
    SyncPolicy watching = new SyncPolicy(true, true, true, false, true, true, true);
    PolicyResolver r = new PolicyResolver(Map.of("watched", watching), SyncPolicy.DEFAULT);

    assertThat(r.resolve("watched", null).detectOnly()).isTrue();
    assertThat(r.resolve("watched", annotated(Map.of("opsledger.dev/prune", "false"))).detectOnly())
        .isTrue();
    assertThat(
            r.resolve("watched", annotated(Map.of("opsledger.dev/sync-policy", "auto")))
                .detectOnly())
        .isFalse();
    SyncPolicy manual =
        r.resolve("watched", annotated(Map.of("opsledger.dev/sync-policy", "manual")));
    assertThat(manual.detectOnly()).isFalse();
    assertThat(manual.autoSync()).isFalse();
  }

  @Test
  void theDetectAnnotationMakesOneResourceDetectOnly() {
    SyncPolicy p =
        resolver.resolve("prod", annotated(Map.of("opsledger.dev/sync-policy", "detect")));

    assertThat(p.detectOnly()).isTrue();
    assertThat(resolver.resolve("prod", null).detectOnly()).isFalse();
  }
}
