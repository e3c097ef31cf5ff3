package dev.opsledger.sandbox.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class ApiCatalogTest {

  private static JsonNode json(String json) {
    return Json.read(json.replace('\'', '"'));
  }

  @Test
  void versionsAreOrderedByKubernetesPriority() {
    List<String> versions =
        new ArrayList<>(List.of("v1alpha1", "v1", "v2beta1", "v1beta2", "v2", "foo", "v1beta1"));

    versions.sort(ApiCatalog.VERSION_PRIORITY);

    assertThat(versions)
        .containsExactly("v2", "v1", "v2beta1", "v1beta2", "v1beta1", "v1alpha1", "foo");
  }

  @Test
  void aCustomResourceDefinitionDefinesOneResourcePerServedVersion() {
    JsonNode crd =
        json(
            "{'spec':{'group':'example.com','scope':'Cluster','names':{'plural':'widgets',"
                + "'kind':'Widget','shortNames':['wdg']},'versions':[{'name':'v1','served':true},"
                + "{'name':'v2','served':false},{'name':'v1beta1','served':true}]}}");

    List<ApiResource> resources = ApiCatalog.fromCustomResourceDefinition(crd);

    assertThat(resources).extracting(ApiResource::version).containsExactly("v1", "v1beta1");
    assertThat(resources.get(0))
        .isEqualTo(
            new ApiResource(
                "example.com",
                "v1",
                "widgets",
                "widget",
                "Widget",
                false,
                List.of("wdg"),
                List.of()));
  }

  @Test
  void groupsListBuiltInsAndCustomResourcesWithThePreferredVersionFirst() {
    JsonNode crd =
        json(
            "{'spec':{'group':'example.com','names':{'plural':'widgets','kind':'Widget'},"
                + "'versions':[{'name':'v1beta1'},{'name':'v1'}]}}");
    ApiCatalog catalog = new ApiCatalog(() -> List.of(crd));

    assertThat(catalog.groups()).containsEntry("apps", List.of("v1"));
    assertThat(catalog.groups()).containsEntry("example.com", List.of("v1", "v1beta1"));
    assertThat(catalog.groups()).doesNotContainKey("");
    assertThat(catalog.forKind("example.com/v1beta1", "Widget")).isPresent();
  }
}
