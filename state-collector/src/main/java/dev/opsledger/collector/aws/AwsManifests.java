package dev.opsledger.collector.aws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsledger.collector.observe.Observation;
import dev.opsledger.events.AwsKinds;
import dev.opsledger.events.CanonicalJson;
import dev.opsledger.events.EventJson;
import dev.opsledger.events.ResourceKey;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Builds the manifest-shaped live object of each AWS kind, with the {@code spec} fields the
 * git-watcher validates for it. Pure.
 */
public final class AwsManifests {

  /** The apiVersion of every AWS kind. */
  public static final String API_VERSION = AwsKinds.API_VERSION;

  /** The SQS attributes a manifest may declare; the read-only ones (counters, ARN) are not. */
  public static final Set<String> SQS_ATTRIBUTES = AwsKinds.SQS_ATTRIBUTES;

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private AwsManifests() {}

  /**
   * An S3 bucket.
   *
   * @param versioning {@code Enabled}, {@code Suspended}, or {@code null} when never configured
   * @param tags the tags, or {@code null} when the endpoint does not support bucket tagging
   */
  public static ObjectNode s3Bucket(String name, String versioning, Map<String, String> tags) {
    ObjectNode spec = JSON.objectNode();
    if (versioning != null && !versioning.isEmpty()) {
      spec.put("versioning", versioning);
    }
    putTags(spec, tags);
    return manifest("S3Bucket", name, spec);
  }

  /** One DynamoDB key attribute or key schema element. */
  public record Attribute(String name, String type) {}

  /**
   * A DynamoDB table.
   *
   * @param attributes attribute definitions (name, S|N|B)
   * @param keySchema key schema (name, HASH|RANGE)
   * @param billingMode {@code PAY_PER_REQUEST} or {@code PROVISIONED}
   * @param read provisioned read capacity, ignored unless provisioned
   * @param write provisioned write capacity, ignored unless provisioned
   * @param tags the tags, or {@code null} when they could not be read
   */
  public static ObjectNode dynamoDbTable(
      String name,
      List<Attribute> attributes,
      List<Attribute> keySchema,
      String billingMode,
      Long read,
      Long write,
      Map<String, String> tags) {
    ObjectNode spec = JSON.objectNode();
    ArrayNode defs = spec.putArray("attributeDefinitions");
    for (Attribute a : attributes) {
      defs.addObject().put("attributeName", a.name()).put("attributeType", a.type());
    }
    ArrayNode keys = spec.putArray("keySchema");
    for (Attribute k : keySchema) {
      keys.addObject().put("attributeName", k.name()).put("keyType", k.type());
    }
    String mode = billingMode == null || billingMode.isEmpty() ? "PROVISIONED" : billingMode;
    spec.put("billingMode", mode);
    if ("PROVISIONED".equals(mode)) {
      ObjectNode throughput = spec.putObject("provisionedThroughput");
      throughput.put("readCapacityUnits", read == null ? 0 : read);
      throughput.put("writeCapacityUnits", write == null ? 0 : write);
    }
    putTags(spec, tags);
    return manifest("DynamoDBTable", name, spec);
  }

  /**
   * An SQS queue.
   *
   * @param attributes every attribute the API returned; only {@link #SQS_ATTRIBUTES} are kept
   * @param tags the tags, or {@code null} when they could not be read
   */
  public static ObjectNode sqsQueue(
      String name, Map<String, String> attributes, Map<String, String> tags) {
    ObjectNode spec = JSON.objectNode();
    ObjectNode attrs = spec.putObject("attributes");
    new TreeMap<>(attributes)
        .forEach(
            (k, v) -> {
              if (SQS_ATTRIBUTES.contains(k) && v != null) {
                attrs.put(k, v);
              }
            });
    putTags(spec, tags);
    return manifest("SQSQueue", name, spec);
  }

  /**
   * An IAM role.
   *
   * @param assumeRolePolicy the trust policy as IAM returns it (URL-encoded JSON) or plain JSON
   * @param description the description, or {@code null}
   * @param tags the tags, or {@code null} when they could not be read
   * @throws IllegalArgumentException when the policy is not JSON
   */
  public static ObjectNode iamRole(
      String name, String assumeRolePolicy, String description, Map<String, String> tags) {
    ObjectNode spec = JSON.objectNode();
    spec.set("assumeRolePolicyDocument", policy(assumeRolePolicy));
    if (description != null && !description.isEmpty()) {
      spec.put("description", description);
    }
    putTags(spec, tags);
    return manifest("IAMRole", name, spec);
  }

  /** The queue name of an SQS queue URL (its last path segment). */
  public static String queueName(String queueUrl) {
    String trimmed =
        queueUrl.endsWith("/") ? queueUrl.substring(0, queueUrl.length() - 1) : queueUrl;
    return trimmed.substring(trimmed.lastIndexOf('/') + 1);
  }

  /** The key of an AWS resource of {@code target}. */
  public static ResourceKey key(String target, String kind, String name) {
    return ResourceKey.of(target, ResourceKey.AWS_GROUP, kind, "", name);
  }

  /** The observation of a mapped manifest: canonical, hashed, never "managed" (no labels). */
  public static Observation.Present present(String target, ObjectNode manifest) {
    ObjectNode live = (ObjectNode) CanonicalJson.canonicalize(manifest);
    return new Observation.Present(
        key(
            target,
            manifest.path("kind").asText(),
            manifest.path("metadata").path("name").asText()),
        "",
        live,
        CanonicalJson.hash(live),
        false);
  }

  /** Parses a policy document, URL-decoding it first when IAM returned it encoded. */
  static JsonNode policy(String document) {
    if (document == null || document.isBlank()) {
      return JSON.objectNode();
    }
    String text = document.trim();
    if (!text.startsWith("{")) {
      text = URLDecoder.decode(text, StandardCharsets.UTF_8);
    }
    try {
      JsonNode node = EventJson.mapper().readTree(text);
      if (!node.isObject()) {
        throw new IllegalArgumentException("the assume-role policy is not a JSON object");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("the assume-role policy is not JSON", e);
    }
  }

  private static void putTags(ObjectNode spec, Map<String, String> tags) {
    if (tags != null) {
      ObjectNode t = spec.putObject("tags");
      new TreeMap<>(tags).forEach(t::put);
    }
  }

  private static ObjectNode manifest(String kind, String name, ObjectNode spec) {
    ObjectNode m = JSON.objectNode();
    m.put("apiVersion", API_VERSION);
    m.put("kind", kind);
    m.putObject("metadata").put("name", name);
    m.set("spec", spec);
    return m;
  }
}
