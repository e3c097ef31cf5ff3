package dev.opsledger.sandbox.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

class ManagedFieldsTest {

  private static JsonNode json(String json) {
    return Json.read(json.replace('\'', '"'));
  }

  private static ManagedFields.Entry entry(String manager, String operation, String fields) {
    return new ManagedFields.Entry(
        manager, operation, "apps/v1", "2026-01-01T00:00:00Z", "", (ObjectNode) json(fields));
  }

  @Test
  void fieldSetLeavesOutIdentityServerMetadataAndOwnsListsWhole() {
    JsonNode object =
        json(
            "{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'a','namespace':'n',"
                + "'uid':'u','labels':{'app':'x'}},'data':{'k':'v'},'list':[1,2]}");

    assertThat(ManagedFields.fieldsOf(object))
        .isEqualTo(
            json("{'f:metadata':{'f:labels':{'f:app':{}}},'f:data':{'f:k':{}},'f:list':{}}"));
  }

  @Test
  void changedFieldsAreOnlyTheNewOrDifferentLeaves() {
    JsonNode before = json("{'spec':{'replicas':1,'paused':false},'metadata':{'name':'a'}}");
    JsonNode after = json("{'spec':{'replicas':3,'paused':false},'metadata':{'name':'a'}}");

    assertThat(ManagedFields.changedFields(before, after))
        .isEqualTo(json("{'f:spec':{'f:replicas':{}}}"));
  }

  @Test
  void anUpdateTakesItsFieldsFromOtherManagersAndAccumulates() {
    ArrayNode existing =
        ManagedFields.record(
            null, entry("opsledger", "Apply", "{'f:spec':{'f:replicas':{},'f:paused':{}}}"), true);
    existing =
        ManagedFields.record(
            existing, entry("kubectl-patch", "Update", "{'f:spec':{'f:replicas':{}}}"), true);
    ArrayNode result =
        ManagedFields.record(
            existing, entry("kubectl-patch", "Update", "{'f:metadata':{'f:labels':{}}}"), true);

    assertThat(result).hasSize(2);
    assertThat(result.get(0).path("manager").asString()).isEqualTo("opsledger");
    assertThat(result.get(0).path("fieldsV1")).isEqualTo(json("{'f:spec':{'f:paused':{}}}"));
    assertThat(result.get(1).path("fieldsV1"))
        .isEqualTo(json("{'f:metadata':{'f:labels':{}},'f:spec':{'f:replicas':{}}}"));
  }

  @Test
  void anApplyReplacesItsOwnSetAndSharesFieldsUnlessForced() {
    ArrayNode existing =
        ManagedFields.record(
            null, entry("kubectl-edit", "Update", "{'f:spec':{'f:replicas':{}}}"), true);
    existing =
        ManagedFields.record(
            existing, entry("opsledger", "Apply", "{'f:spec':{'f:paused':{}}}"), false);

    ArrayNode shared =
        ManagedFields.record(
            existing, entry("opsledger", "Apply", "{'f:spec':{'f:replicas':{}}}"), false);
    ArrayNode forced =
        ManagedFields.record(
            existing, entry("opsledger", "Apply", "{'f:spec':{'f:replicas':{}}}"), true);

    assertThat(shared).hasSize(2);
    assertThat(shared.get(1).path("fieldsV1")).isEqualTo(json("{'f:spec':{'f:replicas':{}}}"));
    assertThat(forced).hasSize(1);
    assertThat(forced.get(0).path("manager").asString()).isEqualTo("opsledger");
  }
}
