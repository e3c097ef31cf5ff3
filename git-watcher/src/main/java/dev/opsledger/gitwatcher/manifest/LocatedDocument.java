package dev.opsledger.gitwatcher.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * One parsed document with the line of each of its values, so that an error deep inside it can be
 * reported where it is written.
 *
 * @param node the document
 * @param base the JSON pointer of {@link #node} inside the file's document (empty for the root;
 *     {@code /items/3} for an item of a {@code List})
 * @param line the line where {@link #node} starts
 * @param lines the line of every value of the whole document by JSON pointer
 */
public record LocatedDocument(JsonNode node, String base, int line, Map<String, Integer> lines) {

  /**
   * The line of the value at {@code pointer} (relative to {@link #node}), or its nearest parent.
   */
  public int lineOf(String pointer) {
    String p = base + pointer;
    while (true) {
      Integer l = lines.get(p);
      if (l != null) {
        return l;
      }
      int slash = p.lastIndexOf('/');
      if (slash < 0 || p.length() <= base.length()) {
        return line;
      }
      p = p.substring(0, slash);
    }
  }

  /** The document at {@code pointer} inside this one, located at its own line. */
  public LocatedDocument child(String pointer, JsonNode child) {
    return new LocatedDocument(child, base + pointer, lineOf(pointer), lines);
  }
}
