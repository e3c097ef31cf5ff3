package dev.opsledger.sandbox.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class JsonMergeTest {

  private static JsonNode json(String json) {
    return Json.read(json.replace('\'', '"'));
  }

  @Test
  void mergePatchMergesMapsRemovesNullsAndReplacesLists() {
    JsonNode live = json("{'a':{'b':1,'c':2},'list':[1,2,3],'keep':true}");
    JsonNode patch = json("{'a':{'b':null,'d':4},'list':[9]}");

    assertThat(JsonMerge.mergePatch(live, patch))
        .isEqualTo(json("{'a':{'c':2,'d':4},'list':[9],'keep':true}"));
  }

  @Test
  void mergePatchLeavesItsInputsUnchanged() {
    JsonNode live = json("{'a':{'b':1}}");
    JsonNode patch = json("{'a':{'b':2}}");

    JsonMerge.mergePatch(live, patch);

    assertThat(live).isEqualTo(json("{'a':{'b':1}}"));
  }

  @Test
  void strategicMergePatchReplacesListsInsteadOfMergingThemByKey() {
    JsonNode live =
        json("{'spec':{'containers':[{'name':'a','image':'x','ports':[{'containerPort':80}]}]}}");
    JsonNode patch = json("{'spec':{'containers':[{'name':'a','image':'y'}]}}");

    assertThat(JsonMerge.strategicMergePatch(live, patch))
        .isEqualTo(json("{'spec':{'containers':[{'name':'a','image':'y'}]}}"));
  }

  @Test
  void strategicMergePatchHonoursDeleteAndReplaceAndIgnoresOtherDirectives() {
    JsonNode live = json("{'a':{'x':1,'y':2},'b':{'x':1},'c':[1]}");
    JsonNode patch =
        json(
            "{'a':{'$patch':'replace','z':3},'b':{'$patch':'delete'},"
                + "'$setElementOrder/c':[{'name':'n'}],'c':[2,{'$patch':'delete','name':'n'}]}");

    assertThat(JsonMerge.strategicMergePatch(live, patch)).isEqualTo(json("{'a':{'z':3},'c':[2]}"));
  }
}
