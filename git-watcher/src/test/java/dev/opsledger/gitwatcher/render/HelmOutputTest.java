package dev.opsledger.gitwatcher.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class HelmOutputTest {

  static final String OUTPUT =
      """
      ---
      # Source: web/templates/service.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: shop-web
      ---
      # Source: web/charts/db/templates/statefulset.yaml
      apiVersion: apps/v1
      kind: StatefulSet
      metadata:
        name: shop-db
      ---
      # Source: web/templates/service.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: shop-web-headless
      ---
      # Source: web/templates/empty.yaml
      # nothing rendered here
      """;

  @Test
  void namesEachResourceByTheTemplateInTheRepositoryThatRenderedIt() {
    List<RenderedFile> files = HelmOutput.split("deploy/charts/web", OUTPUT);
    assertThat(files)
        .extracting(RenderedFile::path)
        .containsExactly(
            "deploy/charts/web/templates/service.yaml",
            "deploy/charts/web/charts/db/templates/statefulset.yaml");
    String services = new String(files.get(0).bytes(), StandardCharsets.UTF_8);
    assertThat(services)
        .contains("name: shop-web\n")
        .contains("---\n")
        .contains("shop-web-headless");
  }

  @Test
  void outputWithoutSourceCommentsIsNamedAfterTheChart() {
    List<RenderedFile> files =
        HelmOutput.split("charts/web", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n");
    assertThat(files).extracting(RenderedFile::path).containsExactly("charts/web (helm)");
  }

  @Test
  void sameOutputHasTheSameIdSoAnUnchangedRenderIsNotEmittedAgain() {
    RenderedFile a = HelmOutput.split("c", OUTPUT).get(0);
    RenderedFile b = HelmOutput.split("c", OUTPUT).get(0);
    assertThat(a.id()).isEqualTo(b.id()).startsWith(RenderedFile.ID_PREFIX);
    assertThat(HelmOutput.split("c", OUTPUT.replace("shop-web\n", "shop-www\n")).get(0).id())
        .isNotEqualTo(a.id());
  }
}
