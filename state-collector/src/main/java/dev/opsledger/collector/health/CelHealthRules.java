package dev.opsledger.collector.health;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.opsledger.events.HealthStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Health rules of configuration: per API group and kind, CEL boolean expressions over {@code
 * object}, the live object as a map (with its {@code status}). The first expression that is true,
 * in the order {@code degraded}, {@code suspended}, {@code progressing}, {@code healthy}, decides;
 * when none is, the object is {@code Progressing} (not healthy yet, as kstatus reads an object that
 * is not ready). An expression that cannot be evaluated for an object (a field it reads without
 * {@code has()}) makes that object {@code Unknown}, with CEL's message.
 *
 * <p>Every expression is compiled and type-checked (it must be a {@code bool}) when the rules are
 * built, so a bad one stops the collector at start with the property it came from. Thread-safe:
 * compiled programs are immutable.
 */
public final class CelHealthRules {

  /** The CEL variable that holds the live object. */
  public static final String OBJECT = "object";

  /** The reason of a health a custom rule decided. */
  public static final String REASON = "Custom";

  /** The expressions in the order they are asked. */
  private static final List<HealthStatus> ORDER =
      List.of(
          HealthStatus.DEGRADED,
          HealthStatus.SUSPENDED,
          HealthStatus.PROGRESSING,
          HealthStatus.HEALTHY);

  /**
   * One rule as configured.
   *
   * @param group the API group, empty for the core group
   * @param kind the kind
   * @param expressions the CEL expression per health it decides; at least one
   */
  public record Rule(String group, String kind, Map<HealthStatus, String> expressions) {

    /** Copies the expressions, leaving out blank ones. */
    public Rule {
      group = group == null ? "" : group;
      Map<HealthStatus, String> kept = new LinkedHashMap<>();
      if (expressions != null) {
        expressions.forEach(
            (status, expression) -> {
              if (expression != null && !expression.isBlank()) {
                kept.put(status, expression);
              }
            });
      }
      expressions = Map.copyOf(kept);
    }
  }

  private record Compiled(HealthStatus status, String expression, CelRuntime.Program program) {}

  private static final Cel CEL =
      CelFactory.standardCelBuilder()
          // has(), all(), exists(), map(), filter(): what Kubernetes' own CEL rules can use.
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          .addVar(OBJECT, MapType.create(SimpleType.STRING, SimpleType.DYN))
          .setResultType(SimpleType.BOOL)
          .build();

  private final Map<String, List<Compiled>> byKind;

  private CelHealthRules(Map<String, List<Compiled>> byKind) {
    this.byKind = byKind;
  }

  /** No custom rules. */
  public static CelHealthRules none() {
    return new CelHealthRules(Map.of());
  }

  /**
   * Compiles {@code rules}.
   *
   * @param rules the rules, in configuration order
   * @param propertyPrefix where they were configured, e.g. {@code
   *     opsledger.state-collector.health.rules}, named in errors
   * @throws IllegalArgumentException naming the property of the first rule without a kind or an
   *     expression, of the first expression that does not compile or is not a {@code bool}, and of
   *     a second rule for a group and kind
   */
  public static CelHealthRules compile(List<Rule> rules, String propertyPrefix) {
    Map<String, List<Compiled>> byKind = new HashMap<>();
    for (int i = 0; i < rules.size(); i++) {
      Rule rule = rules.get(i);
      String at = propertyPrefix + "[" + i + "]";
      if (rule.kind() == null || rule.kind().isBlank()) {
        throw new IllegalArgumentException(at + ".kind: a health rule needs a kind");
      }
      if (rule.expressions().isEmpty()) {
        throw new IllegalArgumentException(
            at
                + ": a health rule needs at least one of degraded, suspended, progressing,"
                + " healthy");
      }
      List<Compiled> compiled = new ArrayList<>();
      for (HealthStatus status : ORDER) {
        String expression = rule.expressions().get(status);
        if (expression != null) {
          compiled.add(
              new Compiled(status, expression, program(at + "." + property(status), expression)));
        }
      }
      if (byKind.put(key(rule.group(), rule.kind()), List.copyOf(compiled)) != null) {
        throw new IllegalArgumentException(
            at
                + ": a second health rule for "
                + (rule.group().isEmpty() ? "" : rule.group() + "/")
                + rule.kind());
      }
    }
    return new CelHealthRules(Map.copyOf(byKind));
  }

  /** The configuration name of the expression deciding {@code status}, e.g. {@code degraded}. */
  public static String property(HealthStatus status) {
    return status.label().toLowerCase(java.util.Locale.ROOT);
  }

  /** Whether there is a rule for this group and kind. */
  public boolean covers(String group, String kind) {
    return byKind.containsKey(key(group, kind));
  }

  /** The health the rule for the object's group and kind decides, or empty when there is none. */
  public Optional<Health> assess(JsonNode object) {
    List<Compiled> rule =
        byKind.get(
            key(
                KubernetesHealth.groupOf(object.path("apiVersion").asText("")),
                object.path("kind").asText("")));
    if (rule == null) {
      return Optional.empty();
    }
    Map<String, Object> vars = Map.of(OBJECT, CelValues.of(object));
    for (Compiled c : rule) {
      Object result;
      try {
        result = c.program().eval(vars);
      } catch (CelEvaluationException | RuntimeException e) {
        return Optional.of(
            new Health(
                HealthStatus.UNKNOWN,
                REASON,
                property(c.status()) + " rule could not be evaluated: " + e.getMessage()));
      }
      if (Boolean.TRUE.equals(result)) {
        return Optional.of(new Health(c.status(), REASON, c.expression()));
      }
      if (!(result instanceof Boolean)) {
        // A field typed dyn passes the check as a bool; what it holds is known only now.
        return Optional.of(
            new Health(
                HealthStatus.UNKNOWN,
                REASON,
                property(c.status()) + " rule gave " + describe(result) + ", not a bool"));
      }
    }
    return Optional.of(new Health(HealthStatus.PROGRESSING, REASON, "no rule expression is true"));
  }

  private static CelRuntime.Program program(String at, String expression) {
    CelAbstractSyntaxTree ast;
    try {
      ast = CEL.compile(expression).getAst();
    } catch (CelValidationException e) {
      throw new IllegalArgumentException(
          at + ": not a boolean CEL expression over 'object': " + e.getMessage(), e);
    }
    try {
      return CEL.createProgram(ast);
    } catch (dev.cel.common.CelException e) {
      throw new IllegalArgumentException(at + ": " + e.getMessage(), e);
    }
  }

  private static String describe(Object result) {
    return result == null ? "null" : result.getClass().getSimpleName();
  }

  private static String key(String group, String kind) {
    return (group == null ? "" : group) + "/" + kind;
  }
}
