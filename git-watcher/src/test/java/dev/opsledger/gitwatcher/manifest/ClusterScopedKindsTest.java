package dev.opsledger.gitwatcher.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.events.ManifestError;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.events.SecretProtector;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A namespace on an object of a cluster-scoped kind is dropped with a warning, and a revision's own
 * CustomResourceDefinitions say which custom kinds are cluster-scoped, wherever they are in the
 * tree.
 */
class ClusterScopedKindsTest {

  final ManifestPipeline pipeline =
      new ManifestPipeline(
          "prod", "apps", new ResourceScopes(List.of()), new SecretProtector(new byte[32]));

  static final String WIDGET_CRD =
      """
      apiVersion: apiextensions.k8s.io/v1
      kind: CustomResourceDefinition
      metadata:
        name: widgets.example.com
      spec:
        group: example.com
        scope: %s
        names: {plural: widgets, singular: widget, kind: Widget, listKind: WidgetList}
        versions:
          - name: v1
            served: true
            storage: true
            schema:
              openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
      """;

  static final String WIDGET =
      "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w1\n  namespace: shop\n"
          + "spec:\n  size: 3\n";

  static final ResourceKey CLUSTER_WIDGET =
      ResourceKey.of("prod", "example.com", "Widget", "", "w1");
  static final ResourceKey SHOP_WIDGET =
      ResourceKey.of("prod", "example.com", "Widget", "shop", "w1");

  /** A tree of files: path to content; blob ids are the content's hash. */
  final Map<String, byte[]> blobs = new LinkedHashMap<>();

  final List<String> rereads = new ArrayList<>();

  RevisionOutcome scan(RevisionIndex previous, Map<String, String> tree) throws IOException {
    RevisionScan scan =
        new RevisionScan(
            pipeline,
            previous,
            1024 * 1024,
            id -> {
              rereads.add(id);
              return blobs.get(id);
            });
    // The Git edge walks paths in order, whatever declares what.
    for (var file : new TreeMap<>(tree).entrySet()) {
      byte[] bytes = file.getValue().getBytes(StandardCharsets.UTF_8);
      String id = "blob-" + Integer.toHexString(file.getValue().hashCode());
      blobs.put(id, bytes);
      scan.file(file.getKey(), id, bytes.length, () -> bytes);
    }
    return scan.finish();
  }

  static RevisionOutcome.Accepted accepted(RevisionOutcome outcome) {
    assertThat(outcome).isInstanceOf(RevisionOutcome.Accepted.class);
    return (RevisionOutcome.Accepted) outcome;
  }

  @Test
  void aNamespacedObjectOfAKindItsRevisionsCrdDeclaresClusterScopedGetsAClusterKeyAndAWarning()
      throws IOException {
    // The object's file comes first in the walk, its CRD last.
    var a =
        accepted(
            scan(
                RevisionIndex.empty(),
                Map.of("a-widget.yaml", WIDGET, "z-crd.yaml", WIDGET_CRD.formatted("Cluster"))));

    assertThat(a.index().resources()).containsKey(CLUSTER_WIDGET).doesNotContainKey(SHOP_WIDGET);
    assertThat(a.warnings())
        .containsExactly(
            new ManifestError(
                "a-widget.yaml",
                5,
                "Widget w1 is cluster-scoped: metadata.namespace 'shop' is ignored"));
    var emitted =
        pipeline.process(
            "a-widget.yaml", WIDGET.getBytes(StandardCharsets.UTF_8), a.index().declaredScopes());
    assertThat(emitted.resources())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.key()).isEqualTo(CLUSTER_WIDGET);
              assertThat(r.manifest().path("metadata").has("namespace")).isFalse();
            });
  }

  @Test
  void anObjectOfAClusterScopedCustomKindWithoutANamespaceIsNotGivenTheDefaultOne()
      throws IOException {
    var a =
        accepted(
            scan(
                RevisionIndex.empty(),
                Map.of(
                    "crd.yaml",
                    WIDGET_CRD.formatted("Cluster"),
                    "widget.yaml",
                    WIDGET.replace("  namespace: shop\n", ""))));

    assertThat(a.index().resources()).containsKey(CLUSTER_WIDGET);
    assertThat(a.warnings()).isEmpty();
  }

  @Test
  void aCrdAddedLaterMovesAnUnchangedObjectToItsClusterKeyAndNothingIsReadAgainAfter()
      throws IOException {
    var first = accepted(scan(RevisionIndex.empty(), Map.of("widget.yaml", WIDGET)));
    assertThat(first.index().resources()).containsKey(SHOP_WIDGET);

    var second =
        accepted(
            scan(
                first.index(),
                Map.of("widget.yaml", WIDGET, "crd.yaml", WIDGET_CRD.formatted("Cluster"))));
    assertThat(second.index().resources()).containsKey(CLUSTER_WIDGET);
    assertThat(rereads).hasSize(1);
    assertThat(second.warnings()).extracting(ManifestError::file).containsExactly("widget.yaml");
    DesiredChanges changes = DesiredChanges.between(first.index(), second.index());
    assertThat(changes.removed()).extracting(RevisionIndex.Entry::key).containsExactly(SHOP_WIDGET);
    assertThat(changes.changed())
        .extracting(RevisionIndex.Entry::key)
        .contains(CLUSTER_WIDGET)
        .doesNotContain(SHOP_WIDGET);

    rereads.clear();
    var third =
        accepted(
            scan(
                second.index(),
                Map.of("widget.yaml", WIDGET, "crd.yaml", WIDGET_CRD.formatted("Cluster"))));
    assertThat(rereads).isEmpty();
    assertThat(third.warnings()).isEmpty();
    assertThat(DesiredChanges.between(second.index(), third.index()).isEmpty()).isTrue();
  }

  @Test
  void aCrdDeclaringItsKindNamespacedWinsOverTheWellKnownClusterScopedNames() throws IOException {
    String nodeCrd =
        WIDGET_CRD.formatted("Namespaced").replace("Widget", "Node").replace("widget", "node");
    var a =
        accepted(
            scan(
                RevisionIndex.empty(),
                Map.of(
                    "crd.yaml",
                    nodeCrd,
                    "node.yaml",
                    "apiVersion: example.com/v1\nkind: Node\nmetadata:\n  name: n1\n")));

    assertThat(a.index().resources())
        .containsKey(ResourceKey.of("prod", "example.com", "Node", "apps", "n1"));
  }

  @Test
  void aNamespaceOnAWellKnownClusterScopedKindIsIgnoredWithAWarning() {
    var r =
        pipeline.process(
            "cr.yaml",
            ("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: cr\n"
                    + "  namespace: apps\nrules: []\n")
                .getBytes(StandardCharsets.UTF_8));

    assertThat(r.errors()).isEmpty();
    assertThat(r.resources())
        .extracting(ManifestPipeline.Resource::key)
        .containsExactly(
            ResourceKey.of("prod", "rbac.authorization.k8s.io", "ClusterRole", "", "cr"));
    assertThat(r.warnings()).extracting(ManifestError::line).containsExactly(5);
  }

  @Test
  void twoCrdsDeclaringOneKindWithDifferentScopesRejectTheRevision() throws IOException {
    RevisionOutcome outcome =
        scan(
            RevisionIndex.empty(),
            Map.of(
                "a.yaml",
                WIDGET_CRD.formatted("Cluster"),
                "b.yaml",
                WIDGET_CRD.formatted("Namespaced").replace("widgets.example.com", "gadgets")));

    assertThat(outcome).isInstanceOf(RevisionOutcome.Rejected.class);
    assertThat(((RevisionOutcome.Rejected) outcome).errors())
        .extracting(ManifestError::reason)
        .containsExactly(
            "CustomResourceDefinitions declare example.com/Widget both Cluster and Namespaced"
                + " scoped");
  }
}
