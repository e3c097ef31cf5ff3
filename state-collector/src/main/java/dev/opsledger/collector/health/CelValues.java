package dev.opsledger.collector.health;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON as CEL values: objects as maps with string keys, arrays as lists, integers as {@code long},
 * other numbers as {@code double}. A {@code null} member is left out, so {@code has()} reads it as
 * absent, which is what Kubernetes means by a null field.
 */
final class CelValues {

  private CelValues() {}

  static Object of(JsonNode node) {
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> f = fields.next();
        if (!f.getValue().isNull()) {
          map.put(f.getKey(), of(f.getValue()));
        }
      }
      return map;
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>();
      for (JsonNode item : node) {
        if (!item.isNull()) {
          list.add(of(item));
        }
      }
      return list;
    }
    if (node.isIntegralNumber()) {
      return node.asLong();
    }
    if (node.isNumber()) {
      return node.asDouble();
    }
    if (node.isBoolean()) {
      return node.asBoolean();
    }
    return node.asText();
  }
}
