package dev.opsledger.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The same document hashes the same whatever its member order; any other change shows. */
class CanonicalJsonTest {

  private static final JsonNode DEPLOYMENT =
      EventExamples.json(
          """
          {"kind": "Deployment", "apiVersion": "apps/v1",
           "metadata": {"name": "checkout", "labels": {"tier": "web", "app": "checkout"}},
           "spec": {"replicas": 3, "template": {"spec": {"containers": [
             {"name": "checkout", "image": "checkout:1.4.2"}]}}}}
          """);

  private static final JsonNode SAME_DEPLOYMENT_OTHER_ORDER =
      EventExamples.json(
          """
          {"spec": {"template": {"spec": {"containers": [
             {"image": "checkout:1.4.2", "name": "checkout"}]}}, "replicas": 3},
           "metadata": {"labels": {"app": "checkout", "tier": "web"}, "name": "checkout"},
           "apiVersion": "apps/v1", "kind": "Deployment"}
          """);

  @Test
  void memberOrderDoesNotChangeTheHash() {
    assertThat(CanonicalJson.hash(SAME_DEPLOYMENT_OTHER_ORDER))
        .isEqualTo(CanonicalJson.hash(DEPLOYMENT));
    assertThat(CanonicalJson.sameDocument(DEPLOYMENT, SAME_DEPLOYMENT_OTHER_ORDER)).isTrue();
  }

  @Test
  void differentValueChangesTheHash() {
    JsonNode scaled = DEPLOYMENT.deepCopy();
    ((ObjectNode) scaled.get("spec")).put("replicas", 4);

    assertThat(CanonicalJson.hash(scaled)).isNotEqualTo(CanonicalJson.hash(DEPLOYMENT));
    assertThat(CanonicalJson.sameDocument(scaled, DEPLOYMENT)).isFalse();
  }

  @Test
  void deepValueChangeChangesTheHash() {
    JsonNode other =
        EventExamples.json(
            SAME_DEPLOYMENT_OTHER_ORDER.toString().replace("checkout:1.4.2", "checkout:1.4.3"));

    assertThat(CanonicalJson.hash(other)).isNotEqualTo(CanonicalJson.hash(DEPLOYMENT));
  }

  @Test
  void arrayOrderChangesTheHash() {
    assertThat(CanonicalJson.hash(EventExamples.json("[1, 2]")))
        .isNotEqualTo(CanonicalJson.hash(EventExamples.json("[2, 1]")));
  }

  @Test
  void writesMembersSortedWithoutWhitespace() {
    assertThat(
            CanonicalJson.write(
                EventExamples.json("{ \"b\": {\"d\": 1, \"c\": [true, null]}, \"a\": \"x\" }")))
        .isEqualTo("{\"a\":\"x\",\"b\":{\"c\":[true,null],\"d\":1}}");
  }

  @Test
  void hashIsSha256OfTheCanonicalText() {
    String text = CanonicalJson.write(DEPLOYMENT);

    assertThat(CanonicalJson.hash(DEPLOYMENT))
        .matches("sha256:[0-9a-f]{64}")
        .isEqualTo("sha256:" + CanonicalJson.sha256Hex(text.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void sha256HexMatchesTheStandardTestVector() {
    assertThat(CanonicalJson.sha256Hex("abc".getBytes(StandardCharsets.US_ASCII)))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }

  @Test
  void canonicalizingLeavesTheInputAsItWas() {
    JsonNode input = SAME_DEPLOYMENT_OTHER_ORDER.deepCopy();
    String before = input.toString();

    CanonicalJson.canonicalize(input);

    assertThat(input.toString()).isEqualTo(before);
  }

  @Test
  void treatsAMissingNodeAsJsonNull() {
    assertThat(CanonicalJson.write(null)).isEqualTo("null");
  }
}
