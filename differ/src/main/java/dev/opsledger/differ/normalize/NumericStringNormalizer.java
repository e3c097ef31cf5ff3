package dev.opsledger.differ.normalize;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opsledger.differ.tree.NotComparableException;
import dev.opsledger.differ.tree.PairedWalk;
import dev.opsledger.differ.tree.PairedWalk.Next;
import dev.opsledger.differ.tree.Site;
import java.math.BigDecimal;
import java.util.regex.Pattern;

/**
 * Compares numbers by value, whether written as a JSON number or as a numeric string: {@code
 * "8080"} = {@code 8080} (int-or-string fields such as {@code targetPort}, and fields a collector
 * or a templating tool turned into text), and {@code 1} = {@code 1.0}.
 *
 * <p>Two strings are never reinterpreted ({@code "1.10"} and {@code "1.1"} are different versions),
 * and a named port ({@code "http"}) is never a number. When both sides mean the same number, the
 * live value is made to read as the desired one.
 */
public final class NumericStringNormalizer implements Normalizer {

  private static final Pattern NUMBER =
      Pattern.compile("[+-]?[0-9]+(\\.[0-9]+)?([eE][+-]?[0-9]{1,3})?");

  @Override
  public void normalize(Comparison comparison) throws NotComparableException {
    PairedWalk.walk(
        comparison.ref(),
        comparison.desired(),
        comparison.live(),
        site -> {
          JsonNode d = site.desired();
          JsonNode l = site.live();
          if (l == null || d.isContainerNode() || l.isContainerNode()) {
            return Next.DESCEND;
          }
          requireFinite(site, d, "desired manifest");
          requireFinite(site, l, "live object");
          if (!d.equals(l) && sameNumber(d, l) && site.canSetLive()) {
            site.setLive(d.deepCopy());
          }
          return Next.SKIP;
        });
  }

  /**
   * Manifests are read with exact decimals, so a non-finite double can only come from a reader that
   * lost the number (a value beyond a double's range read as a double): what it was cannot be
   * known, so it cannot be compared.
   */
  private static void requireFinite(Site site, JsonNode node, String side)
      throws NotComparableException {
    if (node.isNumber()
        && (node.isDouble() || node.isFloat())
        && !Double.isFinite(node.doubleValue())) {
      throw new NotComparableException(
          "the "
              + side
              + " has a number that was read as "
              + node.asText()
              + " at "
              + site.path().pointer()
              + ": it must be read as an exact decimal");
    }
  }

  /** Whether two scalars are the same number, at least one of them written as a JSON number. */
  static boolean sameNumber(JsonNode a, JsonNode b) {
    if (!a.isNumber() && !b.isNumber()) {
      return false;
    }
    BigDecimal x = number(a);
    BigDecimal y = number(b);
    return x != null && y != null && x.compareTo(y) == 0;
  }

  private static BigDecimal number(JsonNode node) {
    if (node.isNumber()) {
      return node.isBigDecimal() || node.isBigInteger() || node.isIntegralNumber()
          ? node.decimalValue()
          : new BigDecimal(node.asText());
    }
    if (node.isTextual() && NUMBER.matcher(node.asText()).matches()) {
      return new BigDecimal(node.asText());
    }
    return null;
  }
}
