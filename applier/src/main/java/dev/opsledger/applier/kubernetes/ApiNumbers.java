package dev.opsledger.applier.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * Finds a number the Kubernetes API cannot hold. The API server reads JSON numbers as 64-bit
 * integers or doubles, and the client serialises a manifest through plain Java numbers, so a value
 * beyond a double's range ({@code 1e400}) would be sent as the string {@code "Infinity"} or
 * rejected. The applier refuses such a manifest itself, as a terminal failure that names the field,
 * rather than write something Git did not declare.
 */
final class ApiNumbers {

  private static final BigDecimal MAX = new BigDecimal(Double.MAX_VALUE);

  private ApiNumbers() {}

  /**
   * The JSON pointer of the first number beyond a double's range, with its value, e.g. {@code
   * /spec/size = 1E+400}; empty when every number fits.
   */
  static Optional<String> firstOutOfRange(JsonNode node) {
    return find(node, "");
  }

  private static Optional<String> find(JsonNode node, String pointer) {
    if (node.isNumber()) {
      return outOfRange(node) ? Optional.of(pointer + " = " + node.asText()) : Optional.empty();
    }
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String child = pointer + "/" + e.getKey().replace("~", "~0").replace("/", "~1");
        Optional<String> found = find(e.getValue(), child);
        if (found.isPresent()) {
          return found;
        }
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        Optional<String> found = find(node.get(i), pointer + "/" + i);
        if (found.isPresent()) {
          return found;
        }
      }
    }
    return Optional.empty();
  }

  private static boolean outOfRange(JsonNode number) {
    if (number.isDouble() || number.isFloat()) {
      return !Double.isFinite(number.doubleValue());
    }
    if (number.isIntegralNumber() && number.canConvertToLong()) {
      return false;
    }
    return number.decimalValue().abs().compareTo(MAX) > 0;
  }
}
