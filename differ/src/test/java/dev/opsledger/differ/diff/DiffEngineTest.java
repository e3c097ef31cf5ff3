package dev.opsledger.differ.diff;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.opsledger.differ.Fixtures;
import dev.opsledger.differ.diff.DiffResult.CannotCompare;
import dev.opsledger.differ.diff.DiffResult.Drifted;
import dev.opsledger.differ.diff.DiffResult.InSync;
import dev.opsledger.differ.diff.DiffResult.Missing;
import dev.opsledger.differ.normalize.IgnoreRules;
import dev.opsledger.events.SecretProtector;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class DiffEngineTest {

  private final DiffEngine engine = DiffEngine.standard();

  private static final String DESIRED =
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web, namespace: shop}
      spec:
        replicas: 2
        template:
          spec:
            containers:
              - {name: web, image: "web:2"}
      """;

  @Test
  void nothingLiveUnderTheNameIsMissing() {
    JsonNode desired = Fixtures.yaml(DESIRED);

    assertThat(engine.diff(desired, null)).isEqualTo(new Missing());
    assertThat(engine.diff(desired, NullNode.getInstance())).isEqualTo(new Missing());
    assertThat(engine.diff(desired, MissingNode.getInstance())).isEqualTo(new Missing());
    assertThat(engine.diff(desired, null).state()).isEqualTo(DiffResult.State.MISSING);
  }

  @Test
  void aManifestThatIsNotAnObjectCannotBeCompared() {
    DiffResult result =
        engine.diff(JsonNodeFactory.instance.textNode("kind: Deployment"), Fixtures.yaml(DESIRED));

    assertThat(result).isEqualTo(new CannotCompare("the desired manifest is not a JSON object"));
  }

  @Test
  void aManifestWithoutKindCannotBeComparedEvenWhenNothingIsLive() {
    DiffResult result = engine.diff(Fixtures.yaml("apiVersion: v1\nmetadata: {name: x}"), null);

    assertThat(result).isEqualTo(new CannotCompare("the desired manifest has no kind"));
  }

  @Test
  void liveFieldsTheManifestDoesNotSetAreNotCompared() {
    JsonNode live =
        Fixtures.yaml(
            DESIRED.replace("replicas: 2", "replicas: 2\n  paused: false\n  minReadySeconds: 30"));

    assertThat(engine.diff(Fixtures.yaml(DESIRED), live)).isInstanceOf(InSync.class);
  }

  @Test
  void aDriftSaysWhatChangedHowToFixItAndShowsItReadably() {
    JsonNode live = Fixtures.yaml(DESIRED.replace("web:2", "web:1"));

    Drifted drifted = (Drifted) engine.diff(Fixtures.yaml(DESIRED), live);

    assertThat(drifted.state()).isEqualTo(DiffResult.State.DRIFTED);
    assertThat(drifted.changedPaths()).containsExactly("/spec/template/spec/containers/0/image");
    assertThat(drifted.patch())
        .isEqualTo(
            Fixtures.json(
                "[{\"op\":\"replace\",\"path\":\"/spec/template/spec/containers/0/image\","
                    + "\"value\":\"web:2\"}]"));
    assertThat(drifted.unifiedDiff()).contains("-        image: web:1\n+        image: web:2\n");
  }

  @Test
  void anAddedItemBelowAnObjectTheLiveSideLacksIsOneAddOfThatObject() {
    JsonNode desired =
        Fixtures.yaml(
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              strategy: {type: Recreate}
            """);
    JsonNode live =
        Fixtures.yaml("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {}");

    Drifted drifted = (Drifted) engine.diff(desired, live);

    // The defaults normaliser filled in strategy {type: RollingUpdate} on the working copy; the
    // patch must still apply to the object as observed, which has no strategy at all.
    assertThat(drifted.changedPaths()).containsExactly("/spec/strategy/type");
    assertThat(drifted.patch())
        .isEqualTo(
            Fixtures.json(
                "[{\"op\":\"add\",\"path\":\"/spec/strategy\",\"value\":{\"type\":\"Recreate\"}}]"));
  }

  @Test
  void everyMissingNamedItemIsAppendedOnce() {
    JsonNode desired =
        Fixtures.yaml(
            DESIRED.replace(
                "- {name: web, image: \"web:2\"}",
                "- {name: web, image: \"web:2\"}\n        - {name: a, image: a}\n        - {name: b, image: b}"));

    Drifted drifted = (Drifted) engine.diff(desired, Fixtures.yaml(DESIRED));

    assertThat(drifted.changedPaths())
        .containsExactly("/spec/template/spec/containers/1", "/spec/template/spec/containers/2");
    assertThat(drifted.patch().findValuesAsText("path"))
        .containsExactly("/spec/template/spec/containers/-", "/spec/template/spec/containers/-");
  }

  @Test
  void ignoreRulesAreAppliedPerCall() {
    JsonNode live = Fixtures.yaml(DESIRED.replace("replicas: 2", "replicas: 9"));
    IgnoreRules rules =
        IgnoreRules.of(
            new dev.opsledger.differ.normalize.IgnoreRule(
                "apps", "Deployment", "shop", "web", List.of("/spec/replicas")));

    assertThat(engine.diff(Fixtures.yaml(DESIRED), live, rules)).isInstanceOf(InSync.class);
    assertThat(engine.diff(Fixtures.yaml(DESIRED), live)).isInstanceOf(Drifted.class);
  }

  @Test
  void theFingerprintOfADriftDoesNotChangeWhenASecretIsSealedAgain() {
    SecretProtector protector =
        new SecretProtector(
            "another-test-key-of-32-bytes-or-more".getBytes(StandardCharsets.UTF_8));
    byte[] plain = "hunter2".getBytes(StandardCharsets.UTF_8);
    String secret = "apiVersion: v1\nkind: Secret\nmetadata: {name: db}\ndata: {password: %s}";
    JsonNode live =
        Fixtures.yaml(secret.formatted(protector.hash("old".getBytes(StandardCharsets.UTF_8))));

    Drifted first =
        (Drifted)
            engine.diff(
                Fixtures.yaml(secret.formatted(protector.seal(plain, "Secret apps/s data.k"))),
                live);
    Drifted second =
        (Drifted)
            engine.diff(
                Fixtures.yaml(secret.formatted(protector.seal(plain, "Secret apps/s data.k"))),
                live);

    assertThat(first.patch()).isNotEqualTo(second.patch());
    assertThat(first.fingerprint()).isEqualTo(second.fingerprint()).startsWith("sha256:");
    assertThat(first.unifiedDiff()).contains("<secret changed>").doesNotContain("opsledger:");
  }

  @Test
  void driftsOfDifferentContentHaveDifferentFingerprints() {
    JsonNode desired = Fixtures.yaml(DESIRED);

    Drifted a = (Drifted) engine.diff(desired, Fixtures.yaml(DESIRED.replace("web:2", "web:1")));
    Drifted b = (Drifted) engine.diff(desired, Fixtures.yaml(DESIRED.replace("web:2", "web:0")));
    Drifted c =
        (Drifted)
            engine.diff(desired, Fixtures.yaml(DESIRED.replace("replicas: 2", "replicas: 1")));

    assertThat(a.fingerprint()).isEqualTo(b.fingerprint()).as("same fix, same drift");
    assertThat(a.fingerprint()).isNotEqualTo(c.fingerprint());
  }
}
