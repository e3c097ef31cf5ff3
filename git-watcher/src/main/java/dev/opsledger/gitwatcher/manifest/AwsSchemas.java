package dev.opsledger.gitwatcher.manifest;

import static java.util.Map.entry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opsledger.events.AwsKinds;
import dev.opsledger.events.ManifestError;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The schema of OpsLedger's AWS kinds ({@code aws.opsledger.dev/v1}): their {@code spec} mirrors
 * the AWS API fields the project supports, and any other field is an error, so that a typo never
 * silently declares nothing.
 */
final class AwsSchemas {

  /** The apiVersion of every AWS kind. */
  static final String API_VERSION = AwsKinds.API_VERSION;

  private static final Shape STR = new Shape.Str(Set.of());
  private static final Shape TAGS = new Shape.MapOf(new Shape.Scalar());

  private static final Set<String> SQS_ATTRIBUTES = AwsKinds.SQS_ATTRIBUTES;

  private static final Map<String, Shape> SPECS =
      Map.of(
          "S3Bucket",
          obj(
              Map.of(
                  "versioning", new Shape.Str(Set.of("Enabled", "Suspended")),
                  "tags", TAGS,
                  "forceDelete", new Shape.Bool()),
              Set.of()),
          "DynamoDBTable",
          obj(
              Map.of(
                  "attributeDefinitions",
                  new Shape.ListOf(
                      obj(
                          Map.of(
                              "attributeName",
                              STR,
                              "attributeType",
                              new Shape.Str(Set.of("S", "N", "B"))),
                          Set.of("attributeName", "attributeType")),
                      1),
                  "keySchema",
                  new Shape.ListOf(
                      obj(
                          Map.of(
                              "attributeName",
                              STR,
                              "keyType",
                              new Shape.Str(Set.of("HASH", "RANGE"))),
                          Set.of("attributeName", "keyType")),
                      1),
                  "billingMode",
                  new Shape.Str(Set.of("PAY_PER_REQUEST", "PROVISIONED")),
                  "provisionedThroughput",
                  obj(
                      Map.of(
                          "readCapacityUnits", new Shape.Int(1),
                          "writeCapacityUnits", new Shape.Int(1)),
                      Set.of("readCapacityUnits", "writeCapacityUnits")),
                  "tags",
                  TAGS),
              Set.of("attributeDefinitions", "keySchema")),
          "SQSQueue",
          obj(
              Map.of(
                  "attributes",
                  new Shape.Obj(
                      SQS_ATTRIBUTES.stream()
                          .collect(
                              java.util.stream.Collectors.toMap(
                                  a -> a, a -> (Shape) new Shape.Scalar())),
                      Set.of()),
                  "tags",
                  TAGS),
              Set.of()),
          "IAMRole",
          obj(
              Map.of(
                  "assumeRolePolicyDocument", new Shape.AnyObject(),
                  "description", STR,
                  "tags", TAGS),
              Set.of("assumeRolePolicyDocument")));

  private static final Shape METADATA =
      obj(
          Map.ofEntries(
              entry("name", STR),
              entry("labels", new Shape.MapOf(STR)),
              entry("annotations", new Shape.MapOf(STR))),
          Set.of("name"));

  private AwsSchemas() {}

  /** The AWS kinds. */
  static Set<String> kinds() {
    return SPECS.keySet();
  }

  /** Checks a whole AWS manifest; the kind must be one of {@link #kinds()}. */
  static void check(LocatedDocument doc, String file, List<ManifestError> out) {
    JsonNode node = doc.node();
    String kind = node.path("kind").asText();
    Shape spec = SPECS.get(kind);
    if (spec == null) {
      out.add(
          new ManifestError(
              file,
              doc.lineOf("/kind"),
              "unknown AWS kind '"
                  + kind
                  + "' (known: "
                  + String.join(", ", new java.util.TreeSet<>(SPECS.keySet()))
                  + ")"));
      return;
    }
    boolean specRequired = kind.equals("DynamoDBTable") || kind.equals("IAMRole");
    Shape whole =
        obj(
            Map.of(
                "apiVersion", new Shape.Str(Set.of(API_VERSION)),
                "kind", STR,
                "metadata", METADATA,
                "spec", spec),
            specRequired
                ? Set.of("apiVersion", "kind", "metadata", "spec")
                : Set.of("apiVersion", "kind", "metadata"));
    whole.check(node, "", doc, file, out);
    if (kind.equals("DynamoDBTable")) {
      checkBilling(doc, file, out);
    }
  }

  private static void checkBilling(LocatedDocument doc, String file, List<ManifestError> out) {
    JsonNode spec = doc.node().path("spec");
    String mode = spec.path("billingMode").asText("PROVISIONED");
    boolean hasThroughput = spec.has("provisionedThroughput");
    if (mode.equals("PROVISIONED") && !hasThroughput) {
      out.add(
          new ManifestError(
              file,
              doc.lineOf("/spec"),
              "spec.provisionedThroughput is required when billingMode is PROVISIONED (the"
                  + " default)"));
    } else if (mode.equals("PAY_PER_REQUEST") && hasThroughput) {
      out.add(
          new ManifestError(
              file,
              doc.lineOf("/spec/provisionedThroughput"),
              "spec.provisionedThroughput must not be set when billingMode is PAY_PER_REQUEST"));
    }
  }

  private static Shape obj(Map<String, Shape> fields, Set<String> required) {
    return new Shape.Obj(fields, required);
  }
}
