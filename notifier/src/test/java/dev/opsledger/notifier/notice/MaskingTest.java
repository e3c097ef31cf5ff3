package dev.opsledger.notifier.notice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.events.EventJson;
import org.junit.jupiter.api.Test;

class MaskingTest {

  @Test
  void replacesSealedAndHashedValuesInText() {
    String text =
        "a: opsledger:sealed:v1:abc:Q0lQSEVS-_x and b: opsledger:hashed:v1:0123abcd, plain: x";
    assertThat(Masking.mask(text))
        .isEqualTo("a: " + Masking.MASK + " and b: " + Masking.MASK + ", plain: x");
  }

  @Test
  void masksEveryTextValueOfAJsonTreeWithoutChangingTheOriginal() throws Exception {
    var tree =
        EventJson.mapper()
            .readTree("{\"a\":[{\"value\":\"opsledger:sealed:v1:f:c\"}],\"b\":\"ok\",\"n\":1}");
    var masked = Masking.mask(tree);
    assertThat(masked.at("/a/0/value").asText()).isEqualTo(Masking.MASK);
    assertThat(masked.get("b").asText()).isEqualTo("ok");
    assertThat(tree.at("/a/0/value").asText()).startsWith("opsledger:sealed");
  }
}
