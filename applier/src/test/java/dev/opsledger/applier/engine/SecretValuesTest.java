package dev.opsledger.applier.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsledger.events.EventJson;
import dev.opsledger.events.SecretProtector;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class SecretValuesTest {

  static byte[] key(int fill) {
    byte[] k = new byte[32];
    Arrays.fill(k, (byte) fill);
    return k;
  }

  static ObjectNode sealedSecret(SecretProtector p, String value) {
    ObjectNode m = EventJson.mapper().createObjectNode();
    m.put("apiVersion", "v1").put("kind", "Secret");
    m.putObject("metadata").put("name", "s");
    m.putObject("data")
        .put("pw", Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)));
    return p.protectManifest(m, true);
  }

  @Test
  void opensSealedValuesAndRedactsThemFromMessages() {
    SecretProtector p = new SecretProtector(key(1));
    ObjectNode sealed = sealedSecret(p, "hunter22");

    SecretValues.Opened opened = new SecretValues(p).open(sealed);

    String b64 = Base64.getEncoder().encodeToString("hunter22".getBytes(StandardCharsets.UTF_8));
    assertThat(opened.manifest().path("data").path("pw").asText()).isEqualTo(b64);
    assertThat(sealed.path("data").path("pw").asText()).startsWith(SecretProtector.SEALED_PREFIX);
    assertThat(opened.redact("value hunter22 / " + b64 + " rejected"))
        .isEqualTo("value *** / *** rejected");
    assertThat(opened.toString()).doesNotContain("hunter22");
  }

  @Test
  void refusesValuesSealedWithAnotherKeyWithoutShowingThem() {
    ObjectNode foreign = sealedSecret(new SecretProtector(key(2)), "hunter22");
    assertThatThrownBy(() -> new SecretValues(new SecretProtector(key(1))).open(foreign))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("data.pw")
        .hasMessageNotContaining("hunter22");
  }

  @Test
  void refusesAValueCopiedFromAnotherSecretAndStillOpensAnUnboundOneFromAnOlderLog() {
    SecretProtector p = new SecretProtector(key(1));
    ObjectNode prodDb = sealedSecret(p, "hunter22");
    ObjectNode mine = sealedSecret(p, "other");
    ((ObjectNode) mine.get("metadata")).put("name", "mine");
    ((ObjectNode) mine.get("data")).set("pw", prodDb.get("data").get("pw"));

    assertThatThrownBy(() -> new SecretValues(p).open(mine))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("data.pw")
        .hasMessageContaining("does not open here")
        .hasMessageNotContaining("hunter22");

    ((ObjectNode) mine.get("data"))
        .put("pw", p.sealUnbound("from-2025".getBytes(StandardCharsets.UTF_8)));
    assertThat(new SecretValues(p).open(mine).manifest().path("data").path("pw").asText())
        .isEqualTo(
            Base64.getEncoder().encodeToString("from-2025".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void redactsAShortValueWhereItIsQuotedAndLeavesTheSameLettersInInnocentText() {
    SecretProtector p = new SecretProtector(key(1));
    SecretValues.Opened opened = new SecretValues(p).open(sealedSecret(p, "a"));

    assertThat(
            opened.redact(
                "admission webhook denied: data.pw: Invalid value: \"a\": must be a longer"
                    + " string; value 'a'; in YQ== "))
        .isEqualTo(
            "admission webhook denied: data.pw: Invalid value: \"***\": must be a longer"
                + " string; value '***'; in *** ");
  }

  @Test
  void redactsTheJsonEscapedFormOfAValueAnErrorEchoesAsJson() {
    SecretProtector p = new SecretProtector(key(1));
    String value = "pa\"ss\\w<o>rd\n&2";
    SecretValues.Opened opened = new SecretValues(p).open(sealedSecret(p, value));

    String jackson = "{\"pw\":\"pa\\\"ss\\\\w<o>rd\\n&2\"}";
    String go = "{\"pw\":\"pa\\\"ss\\\\w\\u003co\\u003erd\\n\\u00262\"}";
    assertThat(opened.redact("denied: " + jackson)).isEqualTo("denied: {\"pw\":\"***\"}");
    assertThat(opened.redact("denied: " + go)).isEqualTo("denied: {\"pw\":\"***\"}");
  }

  @Test
  void redactsEveryShortValueOfOneToThreeCharactersAsAJsonStringValue() {
    SecretProtector p = new SecretProtector(key(1));
    for (String value : java.util.List.of("x", "\"", "ab", "\\", "a\"b", "Ω€")) {
      SecretValues.Opened opened = new SecretValues(p).open(sealedSecret(p, value));
      String json = com.fasterxml.jackson.databind.node.TextNode.valueOf(value).toString();
      assertThat(opened.redact("{\"pw\":" + json + "}"))
          .as("value %s", value)
          .isEqualTo("{\"pw\":\"***\"}");
    }
  }
}
