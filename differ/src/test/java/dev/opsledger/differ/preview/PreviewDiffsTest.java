package dev.opsledger.differ.preview;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsledger.differ.reconcile.DiffPolicy;
import dev.opsledger.events.EventJson;
import dev.opsledger.events.PreviewChangeKind;
import dev.opsledger.events.PreviewDiffed;
import dev.opsledger.events.PreviewRendered;
import dev.opsledger.events.PreviewResource;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.events.SecretProtector;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PreviewDiffsTest {

  static final SecretProtector SECRETS = new SecretProtector(new byte[32]);
  static final ResourceKey DB = ResourceKey.of("prod", "", "Secret", "shop", "db");
  static final ResourceKey CM = ResourceKey.of("prod", "", "ConfigMap", "shop", "cm");

  static ObjectNode secret(String password) {
    ObjectNode s = EventJson.mapper().createObjectNode();
    s.put("apiVersion", "v1").put("kind", "Secret");
    s.putObject("metadata").put("name", "db").put("namespace", "shop");
    s.putObject("data")
        .put(
            "password",
            Base64.getEncoder().encodeToString(password.getBytes(StandardCharsets.UTF_8)));
    return s;
  }

  static ObjectNode configMap(String value) {
    ObjectNode m = EventJson.mapper().createObjectNode();
    m.put("apiVersion", "v1").put("kind", "ConfigMap");
    m.putObject("metadata").put("name", "cm").put("namespace", "shop");
    m.putObject("data").put("mode", value);
    return m;
  }

  static PreviewRendered rendered(List<PreviewResource> changed, List<ResourceKey> removed) {
    return new PreviewRendered(
        "shop", "", "github", 3, "abc", "base", Instant.EPOCH, changed, removed);
  }

  @Test
  void aChangedSecretIsReportedWithItsValuesMasked() {
    ObjectNode desired = SECRETS.protectManifest(secret("new-plain-password"), true);
    ObjectNode live = SECRETS.protectManifest(secret("old-plain-password"), false);
    PreviewDiffed d =
        PreviewDiffs.compare(
            rendered(List.of(new PreviewResource(DB, "db.yaml", desired)), List.of()),
            Map.of(DB, new LiveView(live, true))::get,
            DiffPolicy.standard()::diff);

    assertThat(d.changes()).hasSize(1);
    assertThat(d.changes().get(0).change()).isEqualTo(PreviewChangeKind.CHANGED);
    assertThat(d.changes().get(0).detail())
        .contains("<secret changed>")
        .doesNotContain("plain-password")
        .doesNotContain(Base64.getEncoder().encodeToString("new-plain-password".getBytes()))
        .doesNotContain("opsledger:sealed")
        .doesNotContain("opsledger:hashed");
  }

  @Test
  void summarisesAddedUnchangedAndPrunedAndLeavesUnmanagedObjectsAlone() {
    ResourceKey unmanaged = ResourceKey.of("prod", "", "ConfigMap", "shop", "theirs");
    ResourceKey managed = ResourceKey.of("prod", "", "ConfigMap", "shop", "ours");
    PreviewDiffed d =
        PreviewDiffs.compare(
            rendered(
                List.of(
                    new PreviewResource(CM, "cm.yaml", configMap("a")),
                    new PreviewResource(DB, "db.yaml", SECRETS.protectManifest(secret("p"), true))),
                List.of(unmanaged, managed)),
            Map.of(
                    CM, new LiveView(configMap("a"), true),
                    DB, LiveView.NONE,
                    unmanaged, new LiveView(configMap("x"), false),
                    managed, new LiveView(configMap("x"), true))
                ::get,
            DiffPolicy.standard()::diff);

    assertThat(d.changes())
        .extracting(c -> c.resource().name() + "=" + c.change())
        .containsExactly("cm=UNCHANGED", "db=ADDED", "ours=PRUNED");
  }
}
