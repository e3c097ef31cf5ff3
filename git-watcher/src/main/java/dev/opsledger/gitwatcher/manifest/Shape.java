package dev.opsledger.gitwatcher.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opsledger.events.ManifestError;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A small schema language for OpsLedger's AWS kinds: exact objects (unknown fields rejected), maps,
 * lists and scalars. Each violation is reported at the line of the offending value.
 */
sealed interface Shape {

  /** Checks {@code node} (at {@code pointer} inside {@code doc}) and adds what is wrong. */
  void check(
      JsonNode node, String pointer, LocatedDocument doc, String file, List<ManifestError> out);

  /** An object with exactly these fields, some of them required. */
  record Obj(Map<String, Shape> fields, Set<String> required) implements Shape {
    @Override
    public void check(
        JsonNode node, String pointer, LocatedDocument doc, String file, List<ManifestError> out) {
      if (!node.isObject()) {
        out.add(err(doc, pointer, file, "must be an object"));
        return;
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        var e = it.next();
        String child = pointer + "/" + DocumentReader.escape(e.getKey());
        Shape s = fields.get(e.getKey());
        if (s == null) {
          out.add(
              err(
                  doc,
                  child,
                  file,
                  "unknown field '"
                      + e.getKey()
                      + "' (allowed: "
                      + String.join(", ", new TreeSet<>(fields.keySet()))
                      + ")"));
        } else {
          s.check(e.getValue(), child, doc, file, out);
        }
      }
      for (String r : new TreeSet<>(required)) {
        if (!node.has(r) || node.get(r).isNull()) {
          out.add(err(doc, pointer, file, "missing required field '" + r + "'"));
        }
      }
    }
  }

  /** An object whose values all have one shape. */
  record MapOf(Shape values) implements Shape {
    @Override
    public void check(
        JsonNode node, String pointer, LocatedDocument doc, String file, List<ManifestError> out) {
      if (!node.isObject()) {
        out.add(err(doc, pointer, file, "must be a map"));
        return;
      }
      node.fields()
          .forEachRemaining(
              e ->
                  values.check(
                      e.getValue(),
                      pointer + "/" + DocumentReader.escape(e.getKey()),
                      doc,
                      file,
                      out));
    }
  }

  /** A list of at least {@code minItems} items of one shape. */
  record ListOf(Shape items, int minItems) implements Shape {
    @Override
    public void check(
        JsonNode node, String pointer, LocatedDocument doc, String file, List<ManifestError> out) {
      if (!node.isArray()) {
        out.add(err(doc, pointer, file, "must be a list"));
        return;
      }
      if (node.size() < minItems) {
        out.add(err(doc, pointer, file, "needs at least " + minItems + " item(s)"));
      }
      for (int i = 0; i < node.size(); i++) {
        items.check(node.get(i), pointer + "/" + i, doc, file, out);
      }
    }
  }

  /** A string, optionally one of a fixed set. */
  record Str(Set<String> allowed) implements Shape {
    @Override
    public void check(
        JsonNode node, String pointer, LocatedDocument doc, String file, List<ManifestError> out) {
      if (!node.isTextual()) {
        out.add(err(doc, pointer, file, "must be a string"));
      } else if (!allowed.isEmpty() && !allowed.contains(node.asText())) {
        out.add(
            err(
                doc,
                pointer,
                file,
                "must be one of "
                    + String.join(", ", new TreeSet<>(allowed))
                    + ", got '"
                    + node.asText()
                    + "'"));
      }
    }
  }

  /** A string, number or boolean (AWS attribute and tag values are strings on the wire). */
  record Scalar() implements Shape {
    @Override
    public void check(
        JsonNode node, String pointer, LocatedDocument doc, String file, List<ManifestError> out) {
      if (!node.isValueNode() || node.isNull()) {
        out.add(err(doc, pointer, file, "must be a string, number or boolean"));
      }
    }
  }

  /** A boolean. */
  record Bool() implements Shape {
    @Override
    public void check(
        JsonNode node, String pointer, LocatedDocument doc, String file, List<ManifestError> out) {
      if (!node.isBoolean()) {
        out.add(err(doc, pointer, file, "must be true or false"));
      }
    }
  }

  /** An integer of at least {@code min}. */
  record Int(long min) implements Shape {
    @Override
    public void check(
        JsonNode node, String pointer, LocatedDocument doc, String file, List<ManifestError> out) {
      if (!node.isIntegralNumber() || !node.canConvertToLong()) {
        out.add(err(doc, pointer, file, "must be an integer"));
      } else if (node.asLong() < min) {
        out.add(err(doc, pointer, file, "must be at least " + min + ", got " + node.asLong()));
      }
    }
  }

  /** Any object (e.g. an IAM policy document). */
  record AnyObject() implements Shape {
    @Override
    public void check(
        JsonNode node, String pointer, LocatedDocument doc, String file, List<ManifestError> out) {
      if (!node.isObject()) {
        out.add(err(doc, pointer, file, "must be an object"));
      }
    }
  }

  private static ManifestError err(LocatedDocument doc, String pointer, String file, String what) {
    String where = pointer.isEmpty() ? "" : pointer.substring(1).replace('/', '.') + " ";
    return new ManifestError(file, doc.lineOf(pointer), where + what);
  }
}
