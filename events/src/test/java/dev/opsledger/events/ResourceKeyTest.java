package dev.opsledger.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The identity of a resource, its text form (the Kafka key) and its JSON form. */
class ResourceKeyTest {

  @Test
  void writesTheCoreGroupAsCoreAndClusterScopeAsUnderscore() {
    ResourceKey namespace = ResourceKey.of("prod-eu-1", "", "Namespace", "", "shop");

    assertThat(namespace).hasToString("prod-eu-1/core/Namespace/_/shop");
    assertThat(namespace.coreGroup()).isTrue();
    assertThat(namespace.clusterScoped()).isTrue();
  }

  @Test
  void writesNamespacedGroupResourcesSegmentBySegment() {
    assertThat(ResourceKey.of("prod-eu-1", "apps", "Deployment", "shop", "checkout"))
        .hasToString("prod-eu-1/apps/Deployment/shop/checkout");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "prod-eu-1/apps/Deployment/shop/checkout",
        "prod-eu-1/core/Secret/shop/checkout-db",
        "prod-eu-1/core/Namespace/_/shop",
        "prod-eu-1/rbac.authorization.k8s.io/ClusterRole/_/system:aggregate-to-view",
        "123456789012:eu-west-1/aws.opsledger.dev/S3Bucket/_/shop-invoices",
        "prod-eu-1/batch/CronJob/_/*",
        "kind-local/_/Weird/core/x"
      })
  void parsesItsOwnTextForm(String text) {
    ResourceKey key = ResourceKey.parse(text);

    assertThat(key).hasToString(text);
    assertThat(ResourceKey.parse(key.toString())).isEqualTo(key);
  }

  @Test
  void parsesCoreAndUnderscoreBackToEmptySegments() {
    ResourceKey key = ResourceKey.parse("prod-eu-1/core/PersistentVolume/_/pv-0042");

    assertThat(key).isEqualTo(new ResourceKey("prod-eu-1", "", "PersistentVolume", "", "pv-0042"));
  }

  @Test
  void recognisesAwsKinds() {
    ResourceKey bucket =
        ResourceKey.parse("123456789012:eu-west-1/aws.opsledger.dev/S3Bucket/_/shop-invoices");

    assertThat(bucket.aws()).isTrue();
    assertThat(bucket.target()).isEqualTo("123456789012:eu-west-1");
    assertThat(ResourceKey.parse("prod/apps/Deployment/shop/api").aws()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "prod-eu-1//Deployment/shop/checkout",
        "prod-eu-1/apps/Deployment//checkout",
        "/apps/Deployment/shop/checkout",
        "prod-eu-1/apps//shop/checkout",
        "prod-eu-1/apps/Deployment/shop/"
      })
  void rejectsKeyWithEmptySegment(String text) {
    assertThatThrownBy(() -> ResourceKey.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "prod-eu-1/apps/Deployment/checkout",
        "prod-eu-1/apps/Deployment/shop/checkout/extra",
        "prod-eu-1/apps/v1/Deployment/shop/checkout"
      })
  void rejectsKeyWithoutExactlyFiveSegments(String text) {
    assertThatThrownBy(() -> ResourceKey.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("target/apiGroup/kind/namespace/name")
        .hasMessageContaining("'" + text + "'");
  }

  @Test
  void rejectsNullText() {
    assertThatThrownBy(() -> ResourceKey.parse(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void rejectsReservedWordsAsValues() {
    assertThatThrownBy(() -> ResourceKey.of("prod", "core", "Secret", "shop", "db"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("reserved");
    assertThatThrownBy(() -> ResourceKey.of("prod", "", "Namespace", "_", "shop"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("reserved");
  }

  @ParameterizedTest
  @ValueSource(strings = {"shop/api", "shop api", "shop\tapi", "shop\napi", "shop\u0000api"})
  void rejectsSlashWhitespaceAndControlCharactersInASegment(String name) {
    assertThatThrownBy(() -> ResourceKey.of("prod", "apps", "Deployment", "shop", name))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("name");
  }

  @Test
  void rejectsMissingOrEmptyRequiredSegments() {
    assertThatThrownBy(() -> ResourceKey.of(null, "apps", "Deployment", "shop", "api"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("target is missing");
    assertThatThrownBy(() -> ResourceKey.of("prod", "apps", "", "shop", "api"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("kind is empty");
    assertThatThrownBy(() -> ResourceKey.of("prod", "apps", "Deployment", "shop", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("name is missing");
  }

  @Test
  void acceptsSegmentsUpTo253CharactersAndNoLonger() {
    String longest = "a".repeat(253);

    assertThat(ResourceKey.of("prod", "", "ConfigMap", "shop", longest).name()).hasSize(253);
    assertThatThrownBy(() -> ResourceKey.of("prod", "", "ConfigMap", "shop", longest + "a"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("253");
  }

  @Test
  void normalisesNullGroupAndNamespaceToEmpty() {
    ResourceKey key = new ResourceKey("prod", null, "Namespace", null, "shop");

    assertThat(key.apiGroup()).isEmpty();
    assertThat(key.namespace()).isEmpty();
  }

  @Test
  void namesResourcesShortlyForPeople() {
    assertThat(ResourceKey.parse("prod/apps/Deployment/shop/checkout").shortName())
        .isEqualTo("shop/Deployment/checkout");
    assertThat(ResourceKey.parse("prod/core/Namespace/_/shop").shortName())
        .isEqualTo("Namespace/shop");
  }

  @Test
  void movesToAnotherTargetKeepingTheRest() {
    ResourceKey key = ResourceKey.parse("staging/apps/Deployment/shop/checkout");

    assertThat(key.withTarget("prod-eu-1")).hasToString("prod-eu-1/apps/Deployment/shop/checkout");
  }

  @Test
  void roundTripsThroughJackson() throws Exception {
    ResourceKey key = ResourceKey.parse("prod-eu-1/core/Namespace/_/shop");

    String json = EventJson.mapper().writeValueAsString(key);

    assertThat(EventJson.mapper().readValue(json, ResourceKey.class)).isEqualTo(key);
  }

  @Test
  void writesTheFiveSegmentsAsJsonWithEmptyCoreGroupAndNamespace() throws Exception {
    JsonNode json =
        EventJson.mapper().valueToTree(ResourceKey.parse("prod-eu-1/core/Namespace/_/shop"));

    assertThat(json)
        .isEqualTo(
            EventExamples.json(
                """
                {"target": "prod-eu-1", "apiGroup": "", "kind": "Namespace",
                 "namespace": "", "name": "shop"}
                """));
  }

  @Test
  void readsNullOrAbsentGroupAndNamespaceFromJsonAsEmpty() throws Exception {
    ResourceKey key =
        EventJson.mapper()
            .readValue(
                "{\"target\":\"prod\",\"apiGroup\":null,\"kind\":\"Namespace\",\"name\":\"shop\"}",
                ResourceKey.class);

    assertThat(key).isEqualTo(ResourceKey.of("prod", "", "Namespace", "", "shop"));
  }

  @Test
  void refusesToReadAnInvalidKeyFromJson() {
    assertThatThrownBy(
            () ->
                EventJson.mapper()
                    .readValue(
                        "{\"target\":\"prod\",\"apiGroup\":\"core\",\"kind\":\"Secret\","
                            + "\"namespace\":\"shop\",\"name\":\"db\"}",
                        ResourceKey.class))
        .isInstanceOf(JsonProcessingException.class)
        .hasRootCauseInstanceOf(IllegalArgumentException.class);
  }
}
