package dev.opsledger.differ.normalize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.differ.tree.NotComparableException;
import org.junit.jupiter.api.Test;

class NumericStringNormalizerTest {

  private final NumericStringNormalizer normalizer = new NumericStringNormalizer();

  private static Comparison pair(String desiredSpec, String liveSpec) {
    return Comparisons.of(
        "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: " + desiredSpec,
        "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: " + liveSpec);
  }

  @Test
  void aNumberEqualsTheSameNumberWrittenAsText() throws NotComparableException {
    Comparison c = pair("{port: 8080, timeout: 30}", "{port: \"8080\", timeout: \"30\"}");

    normalizer.normalize(c);

    assertThat(c.live().at("/spec/port").isInt()).isTrue();
    assertThat(c.live().at("/spec/timeout").asInt()).isEqualTo(30);
  }

  @Test
  void anIntegerEqualsTheSameDecimal() throws NotComparableException {
    Comparison c = pair("{ratio: 1}", "{ratio: 1.0}");

    normalizer.normalize(c);

    assertThat(c.live().at("/spec/ratio").isInt()).isTrue();
  }

  @Test
  void aNamedPortIsNotANumber() throws NotComparableException {
    Comparison c = pair("{targetPort: http}", "{targetPort: 8080}");

    normalizer.normalize(c);

    assertThat(c.live().at("/spec/targetPort").asInt()).isEqualTo(8080);
  }

  @Test
  void twoStringsAreNeverReinterpreted() throws NotComparableException {
    Comparison c = pair("{version: \"1.10\"}", "{version: \"1.1\"}");

    normalizer.normalize(c);

    assertThat(c.live().at("/spec/version").asText()).isEqualTo("1.1");
  }

  @Test
  void differentNumbersStayDifferent() throws NotComparableException {
    Comparison c = pair("{items: [1, 2]}", "{items: [\"1\", \"3\"]}");

    normalizer.normalize(c);

    assertThat(c.live().at("/spec/items/0").isInt()).isTrue();
    assertThat(c.live().at("/spec/items/1").asText()).isEqualTo("3");
  }
}
