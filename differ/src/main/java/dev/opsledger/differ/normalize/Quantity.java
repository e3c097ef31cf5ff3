package dev.opsledger.differ.normalize;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Kubernetes resource quantity ({@code 500m}, {@code 1Gi}, {@code 1e3}, {@code 0.5}) read as an
 * exact decimal number, so that quantities compare by value: {@code 500m} = {@code 0.5}, {@code
 * 1Gi} = {@code 1024Mi}, {@code 1e3} = {@code 1k}.
 *
 * <p>The grammar is the API's: a signed decimal, then a binary suffix ({@code Ki Mi Gi Ti Pi Ei}),
 * a decimal suffix ({@code n u m k M G T P E}) or a decimal exponent ({@code e3}, {@code E-2}).
 * Like the API server, which keeps nine decimal places at most, values are compared after rounding
 * up to nano units.
 */
public final class Quantity {

  private static final Pattern GRAMMAR =
      Pattern.compile(
          "([+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+))"
              + "(?:(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)|[eE]([+-]?[0-9]{1,3}))?");

  private static final Map<String, BigDecimal> SUFFIXES =
      Map.ofEntries(
          Map.entry("n", BigDecimal.ONE.scaleByPowerOfTen(-9)),
          Map.entry("u", BigDecimal.ONE.scaleByPowerOfTen(-6)),
          Map.entry("m", BigDecimal.ONE.scaleByPowerOfTen(-3)),
          Map.entry("k", BigDecimal.ONE.scaleByPowerOfTen(3)),
          Map.entry("M", BigDecimal.ONE.scaleByPowerOfTen(6)),
          Map.entry("G", BigDecimal.ONE.scaleByPowerOfTen(9)),
          Map.entry("T", BigDecimal.ONE.scaleByPowerOfTen(12)),
          Map.entry("P", BigDecimal.ONE.scaleByPowerOfTen(15)),
          Map.entry("E", BigDecimal.ONE.scaleByPowerOfTen(18)),
          Map.entry("Ki", BigDecimal.valueOf(2).pow(10)),
          Map.entry("Mi", BigDecimal.valueOf(2).pow(20)),
          Map.entry("Gi", BigDecimal.valueOf(2).pow(30)),
          Map.entry("Ti", BigDecimal.valueOf(2).pow(40)),
          Map.entry("Pi", BigDecimal.valueOf(2).pow(50)),
          Map.entry("Ei", BigDecimal.valueOf(2).pow(60)));

  private static final int NANO_SCALE = 9;

  private Quantity() {}

  /**
   * The value of a quantity written as text or as a JSON number.
   *
   * @return the value, or empty when the node is not a quantity
   */
  public static Optional<BigDecimal> parse(JsonNode node) {
    if (node == null) {
      return Optional.empty();
    }
    if (node.isNumber()) {
      // The text form: 0.1 as a double must read as 0.1, not as its binary approximation.
      return Optional.of(new BigDecimal(node.asText()));
    }
    return node.isTextual() ? parse(node.asText()) : Optional.empty();
  }

  /**
   * The value of a quantity written as text.
   *
   * @return the value, or empty when the text is not a quantity
   */
  public static Optional<BigDecimal> parse(String text) {
    Matcher m = GRAMMAR.matcher(text.trim());
    if (!m.matches()) {
      return Optional.empty();
    }
    BigDecimal number = new BigDecimal(m.group(1));
    if (m.group(2) != null) {
      number = number.multiply(SUFFIXES.get(m.group(2)));
    } else if (m.group(3) != null) {
      number = number.scaleByPowerOfTen(Integer.parseInt(m.group(3)));
    }
    return Optional.of(number);
  }

  /** Whether two nodes are quantities of the same value (at the API's nano precision). */
  public static boolean sameValue(JsonNode a, JsonNode b) {
    Optional<BigDecimal> x = parse(a);
    Optional<BigDecimal> y = parse(b);
    return x.isPresent()
        && y.isPresent()
        && x.get()
                .setScale(NANO_SCALE, RoundingMode.CEILING)
                .compareTo(y.get().setScale(NANO_SCALE, RoundingMode.CEILING))
            == 0;
  }
}
