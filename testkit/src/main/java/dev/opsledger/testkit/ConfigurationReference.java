package dev.opsledger.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Constructor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Checks a README's configuration table against what a module really binds: the configuration
 * metadata that {@code spring-boot-configuration-processor} generates from the {@code *Properties}
 * records ({@code META-INF/spring-configuration-metadata.json}), so a property added, renamed or
 * given another default in code cannot go unnoticed in the documentation.
 *
 * <p>The metadata lists a list or map of nested records as one property; the check expands it from
 * the record itself ({@code sources[].branch}, {@code channels.*.type}), with the defaults of the
 * record's {@code @DefaultValue}s. In the README, {@code [i]} or {@code []} stands for a list index
 * and {@code <name>} for a map key; {@code {a,b}} lists alternatives; a cell may hold several
 * property names, each in backticks. A default cell that starts with a value in backticks states a
 * default, which must be the code's; {@code empty} stands for an empty string or list; anything
 * else (—, unset, a sentence) says there is no fixed default, which must be true too.
 */
public final class ConfigurationReference {

  /** Where the processor writes the metadata, relative to the module being tested. */
  public static final Path METADATA =
      Path.of("target/classes/META-INF/spring-configuration-metadata.json");

  private static final String DEFAULT_VALUE =
      "org.springframework.boot.context.properties.bind.DefaultValue";
  private static final Pattern CODE = Pattern.compile("`([^`]+)`");
  private static final Pattern COLLECTION =
      Pattern.compile("java\\.util\\.(?:List|Set|Collection)<(.+)>");
  private static final Pattern MAP =
      Pattern.compile("java\\.util\\.Map<java\\.lang\\.String,(.+)>");
  private static final Pattern PREFIX_IN_HEADING = Pattern.compile("`([a-z0-9.-]+)\\.\\*`");

  private ConfigurationReference() {}

  /**
   * Fails, listing every difference at once, unless the configuration tables of {@code readme}
   * document exactly the properties under {@code prefixes} in this module's metadata, with the same
   * defaults.
   */
  public static void assertDocumented(Path readme, String... prefixes) {
    List<String> problems = differences(readme, METADATA, prefixes);
    if (!problems.isEmpty()) {
      throw new AssertionError(
          readme
              + " and the configuration metadata disagree:\n  - "
              + String.join("\n  - ", problems));
    }
  }

  /** The differences between the README's tables and the metadata, one sentence each. */
  public static List<String> differences(Path readme, Path metadata, String... prefixes) {
    List<String> problems = new ArrayList<>();
    Map<String, String> bound = bound(metadata, List.of(prefixes), problems);
    Map<String, String> documented = documented(readme, List.of(prefixes), problems);
    for (var e : bound.entrySet()) {
      String name = e.getKey();
      if (!documented.containsKey(name)) {
        problems.add(name + " is bound but not in the README");
        continue;
      }
      String problem = compareDefault(e.getValue(), documented.get(name));
      if (problem != null) {
        problems.add(name + ": " + problem);
      }
    }
    documented.keySet().stream()
        .filter(name -> !bound.containsKey(name))
        .forEach(name -> problems.add(name + " is in the README but not bound"));
    return problems;
  }

  /** Bound properties by normalised name, with their default ({@code null}: none). */
  static Map<String, String> bound(Path metadata, List<String> prefixes, List<String> problems) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(Files.readAllBytes(metadata));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + metadata + " (was the module compiled?)", e);
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (JsonNode p : root.path("properties")) {
      String name = p.path("name").asText();
      if (prefixes.stream().noneMatch(prefix -> name.startsWith(prefix + "."))) {
        continue;
      }
      if (p.path("description").asText("").isBlank()) {
        problems.add(name + " has no description: give its record component a @param");
      }
      String type = p.path("type").asText();
      Class<?> element = elementRecord(type);
      if (element != null) {
        expand(element, name + (type.startsWith("java.util.Map") ? ".*" : "[]"), out);
      } else if (MAP.matcher(type).matches()) {
        out.put(name + ".*", null);
      } else {
        out.put(name, p.has("defaultValue") ? render(p.get("defaultValue")) : null);
      }
    }
    return out;
  }

  private static Class<?> elementRecord(String type) {
    Matcher m = COLLECTION.matcher(type);
    Matcher map = MAP.matcher(type);
    String element = m.matches() ? m.group(1) : map.matches() ? map.group(1) : null;
    if (element == null) {
      return null;
    }
    try {
      Class<?> c = Class.forName(element, false, Thread.currentThread().getContextClassLoader());
      return c.isRecord() ? c : null;
    } catch (ClassNotFoundException e) {
      return null;
    }
  }

  private static void expand(Class<?> record, String prefix, Map<String, String> out) {
    RecordComponent[] components = record.getRecordComponents();
    Constructor<?> canonical;
    try {
      canonical =
          record.getDeclaredConstructor(
              Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new));
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException(record + " has no canonical constructor", e);
    }
    for (int i = 0; i < components.length; i++) {
      RecordComponent c = components[i];
      String name = prefix + "." + kebab(c.getName());
      Class<?> type = c.getType();
      Type generic = c.getGenericType();
      if (type.isRecord()) {
        expand(type, name, out);
      } else if (Collection.class.isAssignableFrom(type) && typeArgument(generic, 0).isRecord()) {
        expand(typeArgument(generic, 0), name + "[]", out);
      } else if (Map.class.isAssignableFrom(type)) {
        Class<?> value = typeArgument(generic, 1);
        if (value.isRecord()) {
          expand(value, name + ".*", out);
        } else {
          out.put(name + ".*", null);
        }
      } else {
        out.put(name, defaultValue(canonical.getParameters()[i].getAnnotations()));
      }
    }
  }

  /** {@code dedupeWindow} → {@code dedupe-window}, as Spring Boot names properties. */
  private static String kebab(String name) {
    return name.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
  }

  private static Class<?> typeArgument(Type type, int index) {
    if (type instanceof ParameterizedType p
        && p.getActualTypeArguments()[index] instanceof Class<?> c) {
      return c;
    }
    return Object.class;
  }

  private static String defaultValue(Annotation[] annotations) {
    for (Annotation a : annotations) {
      if (a.annotationType().getName().equals(DEFAULT_VALUE)) {
        try {
          String[] values = (String[]) a.annotationType().getMethod("value").invoke(a);
          return values.length == 0 ? null : String.join(", ", values);
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return null;
  }

  private static String render(JsonNode value) {
    if (value.isArray()) {
      List<String> items = new ArrayList<>();
      value.forEach(v -> items.add(v.asText()));
      return String.join(", ", items);
    }
    return value.asText();
  }

  /** Documented properties by normalised name, with the text of their default cell. */
  static Map<String, String> documented(Path readme, List<String> prefixes, List<String> problems) {
    List<String> lines;
    try {
      lines = Files.readAllLines(readme);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (!line.startsWith("#")
          || !line.toLowerCase(java.util.Locale.ROOT).contains("configuration")) {
        continue;
      }
      Matcher heading = PREFIX_IN_HEADING.matcher(line);
      String relativeTo = heading.find() ? heading.group(1) : null;
      int t = i + 1;
      while (t < lines.size() && !lines.get(t).startsWith("|") && !lines.get(t).startsWith("#")) {
        t++;
      }
      if (t >= lines.size() || !lines.get(t).startsWith("|")) {
        continue;
      }
      List<String> header =
          cells(lines.get(t)).stream().map(c -> c.toLowerCase(java.util.Locale.ROOT)).toList();
      int property = header.indexOf("property");
      int defaults = header.indexOf("default");
      if (property < 0 || defaults < 0) {
        continue;
      }
      for (int r = t + 2; r < lines.size() && lines.get(r).startsWith("|"); r++) {
        List<String> row = cells(lines.get(r));
        for (String name : names(row.get(property), relativeTo)) {
          if (prefixes.stream().noneMatch(prefix -> name.startsWith(prefix + "."))) {
            continue;
          }
          if (out.put(name, row.get(defaults)) != null) {
            problems.add(name + " is in the README twice");
          }
        }
      }
    }
    return out;
  }

  private static List<String> cells(String row) {
    String inner = row.trim();
    inner = inner.substring(1, inner.endsWith("|") ? inner.length() - 1 : inner.length());
    return Arrays.stream(inner.split("(?<!\\\\)\\|"))
        .map(String::trim)
        .map(c -> c.replace("\\|", "|"))
        .collect(Collectors.toList());
  }

  private static List<String> names(String cell, String relativeTo) {
    List<String> out = new ArrayList<>();
    Matcher m = CODE.matcher(cell);
    while (m.find()) {
      for (String name : braces(m.group(1))) {
        String n = name.replaceAll("\\[[^\\]]*\\]", "[]").replaceAll("<[^>]*>", "*");
        out.add(relativeTo == null || n.startsWith(relativeTo + ".") ? n : relativeTo + "." + n);
      }
    }
    return out;
  }

  private static List<String> braces(String name) {
    int open = name.indexOf('{');
    int close = name.indexOf('}', open);
    if (open < 0 || close < 0) {
      return List.of(name);
    }
    List<String> out = new ArrayList<>();
    for (String alternative : name.substring(open + 1, close).split(",")) {
      out.addAll(braces(name.substring(0, open) + alternative.trim() + name.substring(close + 1)));
    }
    return out;
  }

  /** The metadata writes {@code 2.0} as {@code 2}; the README may keep the decimal point. */
  private static boolean sameNumber(String a, String b) {
    try {
      return b != null && new java.math.BigDecimal(a).compareTo(new java.math.BigDecimal(b)) == 0;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static String compareDefault(String code, String cell) {
    Matcher m = CODE.matcher(cell);
    String literal = cell.startsWith("`") && m.find() ? m.group(1) : null;
    boolean empty = cell.toLowerCase(java.util.Locale.ROOT).startsWith("empty");
    if (code == null) {
      return literal == null
          ? null
          : "the README gives the default `" + literal + "` but the code has none";
    }
    if (code.isEmpty()) {
      return empty || "".equals(literal)
          ? null
          : "the default is empty but the README says '" + cell + "'";
    }
    return code.equals(literal) || sameNumber(code, literal)
        ? null
        : "the default is `" + code + "` but the README says '" + cell + "'";
  }
}
