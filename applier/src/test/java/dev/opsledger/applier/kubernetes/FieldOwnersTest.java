package dev.opsledger.applier.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsledger.events.EventJson;
import dev.opsledger.events.FieldsConflicted;
import org.junit.jupiter.api.Test;

class FieldOwnersTest {

  static JsonNode json(String text) throws Exception {
    return EventJson.mapper().readTree(text.replace('\'', '"'));
  }

  @Test
  void namesTheManagerWhoseFieldAForcedApplyTook() throws Exception {
    JsonNode before =
        json(
            "[{'manager':'opsledger','operation':'Apply','fieldsV1':{'f:spec':{'f:template':{}}}},"
                + "{'manager':'hpa','operation':'Apply','fieldsV1':{'f:spec':{'f:replicas':{}}}}]");
    JsonNode after =
        json(
            "[{'manager':'opsledger','operation':'Apply','fieldsV1':{'f:spec':{'f:template':{},"
                + "'f:replicas':{}}}},{'manager':'hpa','operation':'Apply','fieldsV1':{}}]");

    assertThat(FieldOwners.takenOver(before, after, "opsledger"))
        .containsExactly(new FieldsConflicted.Field("hpa", ".spec.replicas"));
  }

  @Test
  void sharedFieldsAndTheStatusSubresourceAreNoTakeover() throws Exception {
    JsonNode before =
        json(
            "[{'manager':'kubectl','operation':'Update','fieldsV1':{'f:data':{'f:a':{}}}},"
                + "{'manager':'ctrl','operation':'Update','subresource':'status',"
                + "'fieldsV1':{'f:status':{'f:ready':{}}}}]");
    JsonNode after =
        json(
            "[{'manager':'kubectl','operation':'Update','fieldsV1':{'f:data':{'f:a':{}}}},"
                + "{'manager':'opsledger','operation':'Apply','fieldsV1':{'f:data':{'f:a':{}}}}]");

    assertThat(FieldOwners.takenOver(before, after, "opsledger")).isEmpty();
    assertThat(FieldOwners.takenOver(null, after, "opsledger")).isEmpty();
  }

  @Test
  void namesListItemsByTheirKeys() throws Exception {
    JsonNode before =
        json(
            "[{'manager':'edit','operation':'Update','fieldsV1':{'f:spec':{'f:containers':"
                + "{'k:{\\'name\\':\\'web\\'}':{'.':{},'f:image':{}}}}}}]");

    assertThat(FieldOwners.owned(before).get("edit"))
        .contains(
            ".spec.containers[name=\\\"web\\\"]".replace("\\", ""),
            ".spec.containers[name=\"web\"].image");
  }

  @Test
  void readsTheManagerOfAConflictCause() {
    assertThat(FieldOwners.managerIn("conflict with \"hpa-like\" using apps/v1"))
        .contains("hpa-like");
    assertThat(FieldOwners.managerIn("something else")).isEmpty();
  }

  @Test
  void takesOutPlainFieldsButNotFieldsInsideLists() {
    ObjectNode m = EventJson.mapper().createObjectNode();
    m.putObject("spec").put("replicas", 2).putArray("containers").addObject().put("name", "web");

    assertThat(FieldOwners.remove(m, ".spec.replicas")).isTrue();
    assertThat(m.path("spec").has("replicas")).isFalse();
    assertThat(FieldOwners.remove(m, ".spec.containers[name=\"web\"].image")).isFalse();
    assertThat(FieldOwners.remove(m, ".spec.missing.deeper")).isFalse();
  }
}
