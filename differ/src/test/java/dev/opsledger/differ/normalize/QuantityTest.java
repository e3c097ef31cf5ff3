package dev.opsledger.differ.normalize;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import java.math.BigDecimal;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class QuantityTest {

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource({
    "500m, 0.5",
    "1, 1",
    "0.5, 0.5",
    "1Ki, 1024",
    "1Mi, 1048576",
    "1Gi, 1073741824",
    "1k, 1000",
    "1e3, 1000",
    "1E3, 1000",
    "1E, 1000000000000000000",
    "2.5G, 2500000000",
    "100n, 0.0000001",
    "10u, 0.00001",
    "-1, -1",
    ".5, 0.5",
    "+2Ti, 2199023255552"
  })
  void readsTheApiQuantityGrammar(String text, String value) {
    assertThat(Quantity.parse(text))
        .hasValueSatisfying(v -> assertThat(v).isEqualByComparingTo(value));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "abc", "1KB", "1 Gi", "1ki", "Gi", "1e", "0x10", "1.2.3"})
  void rejectsWhatIsNotAQuantity(String text) {
    assertThat(Quantity.parse(text)).isEmpty();
  }

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource({"500m, 0.5", "1Gi, 1024Mi", "1e3, 1k", "1000m, 1", "0.1, 100m", "20Gi, 20480Mi"})
  void sameValueIgnoresTheNotation(String a, String b) {
    assertThat(Quantity.sameValue(TextNode.valueOf(a), TextNode.valueOf(b))).isTrue();
  }

  @ParameterizedTest(name = "{0} != {1}")
  @CsvSource({"500m, 0.55", "1Gi, 1G", "1k, 1Ki", "abc, abc"})
  void differentValuesDiffer(String a, String b) {
    assertThat(Quantity.sameValue(TextNode.valueOf(a), TextNode.valueOf(b))).isFalse();
  }

  @org.junit.jupiter.api.Test
  void readsJsonNumbersByTheirDecimalText() {
    assertThat(Quantity.parse(JsonNodeFactory.instance.numberNode(0.1)))
        .hasValueSatisfying(v -> assertThat(v).isEqualByComparingTo(new BigDecimal("0.1")));
    assertThat(
            Quantity.sameValue(JsonNodeFactory.instance.numberNode(0.25), TextNode.valueOf("250m")))
        .isTrue();
  }

  @org.junit.jupiter.api.Test
  void comparesAtTheApisNanoPrecision() {
    assertThat(Quantity.sameValue(TextNode.valueOf("0.0000000001"), TextNode.valueOf("1n")))
        .isTrue();
  }
}
