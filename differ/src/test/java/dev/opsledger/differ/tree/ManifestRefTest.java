package dev.opsledger.differ.tree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opsledger.differ.Fixtures;
import org.junit.jupiter.api.Test;

class ManifestRefTest {

  @Test
  void readsGroupVersionKindNamespaceAndName() throws NotComparableException {
    ManifestRef ref =
        ManifestRef.of(
            Fixtures.yaml(
                "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}"),
            "desired manifest");

    assertThat(ref).isEqualTo(new ManifestRef("apps", "v1", "Deployment", "shop", "web"));
    assertThat(ref.groupKind()).isEqualTo("Deployment.apps");
    assertThat(ref.describe()).isEqualTo("apps/v1 Deployment shop/web");
  }

  @Test
  void theCoreGroupIsEmpty() throws NotComparableException {
    ManifestRef ref =
        ManifestRef.of(Fixtures.yaml("apiVersion: v1\nkind: Secret\nmetadata: {name: s}"), "x");

    assertThat(ref.group()).isEmpty();
    assertThat(ref.groupKind()).isEqualTo("Secret");
    assertThat(ref.describe()).isEqualTo("v1 Secret s");
  }

  @Test
  void anObjectNamedByGenerateNameCannotBePaired() {
    assertThatThrownBy(
            () ->
                ManifestRef.of(
                    Fixtures.yaml("apiVersion: batch/v1\nkind: Job\nmetadata: {generateName: m-}"),
                    "desired manifest"))
        .isInstanceOf(NotComparableException.class)
        .hasMessageContaining("desired manifest has no metadata.name");
  }
}
