package dev.opsledger.sandbox.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

class ServerSideApplyTest {

  private static final String TIME = "2026-01-01T00:00:00Z";

  private static ObjectNode json(String json) {
    return (ObjectNode) Json.read(json.replace('\'', '"'));
  }

  @Test
  void withoutALiveObjectTheConfigurationIsTheObjectAndTheManagerOwnsItsFields() {
    ObjectNode config =
        json(
            "{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'a','uid':'x'},'data':{'k':'v'}}");

    JsonNode result = ServerSideApply.apply(null, config, "opsledger", false, false, "", TIME);

    assertThat(result.path("data")).isEqualTo(json("{'k':'v'}"));
    assertThat(result.path("metadata").has("uid")).isFalse();
    JsonNode entry = result.path("metadata").path("managedFields").get(0);
    assertThat(entry.path("manager").asString()).isEqualTo("opsledger");
    assertThat(entry.path("operation").asString()).isEqualTo("Apply");
    assertThat(entry.path("fieldsV1")).isEqualTo(json("{'f:data':{'f:k':{}}}"));
  }

  @Test
  void aLiveObjectIsMergedAndKeepsFieldsTheConfigurationLeavesOut() {
    ObjectNode live =
        json(
            "{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'a','uid':'u',"
                + "'annotations':{'by':'hand'}},'spec':{'replicas':1,'paused':true},"
                + "'status':{'replicas':1}}");
    ObjectNode config =
        json(
            "{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'a'},"
                + "'spec':{'replicas':3},'status':{'replicas':9}}");

    JsonNode result = ServerSideApply.apply(live, config, "opsledger", true, true, "", TIME);

    assertThat(result.path("spec")).isEqualTo(json("{'replicas':3,'paused':true}"));
    assertThat(result.path("status")).isEqualTo(json("{'replicas':1}"));
    assertThat(result.path("metadata").path("uid").asString()).isEqualTo("u");
    assertThat(result.path("metadata").path("annotations")).isEqualTo(json("{'by':'hand'}"));
  }

  @Test
  void aFieldTheManagerAppliedBeforeAndLeavesOutNowIsRemoved() {
    ObjectNode first =
        json(
            "{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'a',"
                + "'labels':{'app':'web','tier':'front'}},'data':{'k':'v','old':'x'}}");
    JsonNode live = ServerSideApply.apply(null, first, "opsledger", true, false, "", TIME);
    ObjectNode second =
        json(
            "{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'a',"
                + "'labels':{'app':'web'}},'data':{'k':'v'}}");

    JsonNode result = ServerSideApply.apply(live, second, "opsledger", true, false, "", TIME);

    assertThat(result.path("data")).isEqualTo(json("{'k':'v'}"));
    assertThat(result.path("metadata").path("labels")).isEqualTo(json("{'app':'web'}"));
    assertThat(result.path("metadata").path("managedFields").get(0).path("fieldsV1"))
        .isEqualTo(json("{'f:metadata':{'f:labels':{'f:app':{}}},'f:data':{'f:k':{}}}"));
  }

  @Test
  void aFieldAnotherManagerAlsoOwnsStaysWhenTheManagerLeavesItOut() {
    ObjectNode live =
        json(
            "{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'a','managedFields':["
                + "{'manager':'opsledger','operation':'Apply','fieldsV1':"
                + "{'f:spec':{'f:replicas':{},'f:paused':{}}}},"
                + "{'manager':'hpa','operation':'Update','fieldsV1':{'f:spec':{'f:replicas':{}}}}]},"
                + "'spec':{'replicas':5,'paused':true}}");
    ObjectNode config =
        json(
            "{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'a'},"
                + "'spec':{'minReadySeconds':1}}");

    JsonNode result = ServerSideApply.apply(live, config, "opsledger", true, false, "", TIME);

    assertThat(result.path("spec")).isEqualTo(json("{'replicas':5,'minReadySeconds':1}"));
  }
}
