package dev.opsledger.gitwatcher.manifest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.opsledger.events.ManifestError;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads one manifest file into documents with line numbers: strict UTF-8, then multi-document YAML
 * ({@code .yaml}, {@code .yml}) or JSON ({@code .json}, one or more top-level values). Duplicate
 * keys, YAML aliases and non-mapping documents are errors, since they make the declared state
 * ambiguous.
 */
public final class DocumentReader {

  private static final JsonFactory JSON = new JsonFactory();
  private static final YAMLFactory YAML = new YAMLFactory();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private DocumentReader() {}

  /** What a file held: its documents, or the errors that make it unreadable. */
  public record Read(List<LocatedDocument> documents, List<ManifestError> errors) {}

  /** Whether a path names a manifest file. */
  public static boolean isManifest(String path) {
    String p = path.toLowerCase(Locale.ROOT);
    return p.endsWith(".yaml") || p.endsWith(".yml") || p.endsWith(".json");
  }

  /** Reads a file's bytes. */
  public static Read read(String path, byte[] bytes) {
    List<ManifestError> errors = new ArrayList<>();
    String text = decodeUtf8(path, bytes, errors);
    if (text == null) {
      return new Read(List.of(), errors);
    }
    List<LocatedDocument> docs = new ArrayList<>();
    boolean json = path.toLowerCase(Locale.ROOT).endsWith(".json");
    try (JsonParser parser = json ? JSON.createParser(text) : YAML.createParser(text)) {
      JsonToken t;
      while ((t = parser.nextToken()) != null) {
        int line = lineOf(parser.currentTokenLocation());
        Map<String, Integer> lines = new HashMap<>();
        JsonNode node = readValue(parser, t, "", lines, path, errors);
        if (node == null || node.isNull()) {
          continue;
        }
        lines.put("", line);
        docs.add(new LocatedDocument(node, "", line, lines));
      }
    } catch (JsonProcessingException e) {
      errors.add(
          new ManifestError(
              path,
              lineOf(e.getLocation()),
              json
                  // Jackson quotes the offending token, which may be a secret value (an
                  // unquoted password): the reason keeps the words and drops the quoted text.
                  ? "invalid JSON: " + brief(e).replaceAll("'[^']*'", "'…'")
                  : "invalid YAML: " + brief(e)));
    } catch (IOException e) {
      errors.add(new ManifestError(path, 0, "cannot be read: " + e.getMessage()));
    }
    return new Read(docs, errors);
  }

  private static JsonNode readValue(
      JsonParser p,
      JsonToken t,
      String pointer,
      Map<String, Integer> lines,
      String path,
      List<ManifestError> errors)
      throws IOException {
    if (p instanceof YAMLParser y && y.isCurrentAlias()) {
      errors.add(
          new ManifestError(
              path,
              lineOf(p.currentTokenLocation()),
              "YAML aliases (*" + p.getText() + ") are not supported: write the value out"));
      return NODES.nullNode();
    }
    switch (t) {
      case START_OBJECT -> {
        ObjectNode obj = NODES.objectNode();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          String child = pointer + "/" + escape(name);
          int line = lineOf(p.currentTokenLocation());
          JsonToken v = p.nextToken();
          if (obj.has(name)) {
            errors.add(new ManifestError(path, line, "duplicate key '" + name + "'"));
          }
          lines.put(child, line);
          obj.set(name, readValue(p, v, child, lines, path, errors));
        }
        return obj;
      }
      case START_ARRAY -> {
        ArrayNode arr = NODES.arrayNode();
        JsonToken v;
        int i = 0;
        while ((v = p.nextToken()) != JsonToken.END_ARRAY) {
          String child = pointer + "/" + i++;
          lines.put(child, lineOf(p.currentTokenLocation()));
          arr.add(readValue(p, v, child, lines, path, errors));
        }
        return arr;
      }
      case VALUE_STRING -> {
        return NODES.textNode(p.getText());
      }
      case VALUE_NUMBER_INT -> {
        return switch (p.getNumberType()) {
          case INT -> NODES.numberNode(p.getIntValue());
          case LONG -> NODES.numberNode(p.getLongValue());
          default -> NODES.numberNode(p.getBigIntegerValue());
        };
      }
      case VALUE_NUMBER_FLOAT -> {
        return NODES.numberNode(p.getDecimalValue());
      }
      case VALUE_TRUE -> {
        return NODES.booleanNode(true);
      }
      case VALUE_FALSE -> {
        return NODES.booleanNode(false);
      }
      case VALUE_NULL -> {
        return NODES.nullNode();
      }
      case VALUE_EMBEDDED_OBJECT -> {
        Object o = p.getEmbeddedObject();
        return o instanceof byte[] b ? NODES.binaryNode(b) : NODES.textNode(String.valueOf(o));
      }
      default ->
          throw new JsonProcessingException("unexpected " + t, p.currentTokenLocation()) {
            private static final long serialVersionUID = 1L;
          };
    }
  }

  /** Decodes strictly; on a malformed byte records an error at its line and returns null. */
  private static String decodeUtf8(String path, byte[] bytes, List<ManifestError> errors) {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult r = decoder.decode(in, out, true);
    if (r.isError()) {
      int line = 1;
      for (int i = 0; i < in.position(); i++) {
        if (bytes[i] == '\n') {
          line++;
        }
      }
      errors.add(
          new ManifestError(
              path, line, "not UTF-8: invalid byte sequence at byte offset " + in.position()));
      return null;
    }
    decoder.flush(out);
    out.flip();
    String s = out.toString();
    return s.startsWith("\uFEFF") ? s.substring(1) : s;
  }

  private static int lineOf(JsonLocation loc) {
    return loc == null || loc.getLineNr() < 1 ? 1 : loc.getLineNr();
  }

  private static String brief(JsonProcessingException e) {
    String m = e.getOriginalMessage();
    if (m == null) {
      return "unreadable";
    }
    int nl = m.indexOf('\n');
    return (nl < 0 ? m : m.substring(0, nl)).trim();
  }

  /** JSON pointer escaping of one segment. */
  static String escape(String name) {
    return name.replace("~", "~0").replace("/", "~1");
  }
}
