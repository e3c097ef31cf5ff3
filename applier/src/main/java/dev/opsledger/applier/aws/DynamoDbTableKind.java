package dev.opsledger.applier.aws;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opsledger.applier.apply.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughput;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.dynamodb.model.Tag;

/**
 * {@code DynamoDBTable}: create with key schema, attribute definitions, billing mode, throughput;
 * update billing mode and throughput; tags (the whole set, through {@code TagResource}, since some
 * DynamoDB implementations drop tags given to {@code CreateTable}). A key schema change cannot be
 * made in place: terminal {@code NeedsReplace}.
 */
final class DynamoDbTableKind implements AwsKind {

  /** Thrown while planning when the key schema changed; the caller turns it into an outcome. */
  static final class NeedsReplace extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NeedsReplace(String message) {
      super(message);
    }
  }

  private static final Duration POLL = Duration.ofMillis(100);

  private final DynamoDbClient dynamo;
  private final Duration activeTimeout;

  DynamoDbTableKind(DynamoDbClient dynamo, Duration activeTimeout) {
    this.dynamo = dynamo;
    this.activeTimeout = activeTimeout;
  }

  @Override
  public String kind() {
    return "DynamoDBTable";
  }

  @Override
  public Plan plan(String name, JsonNode spec) {
    List<KeySchemaElement> keys = new ArrayList<>();
    spec.path("keySchema")
        .forEach(
            k ->
                keys.add(
                    KeySchemaElement.builder()
                        .attributeName(k.path("attributeName").asText())
                        .keyType(k.path("keyType").asText())
                        .build()));
    List<AttributeDefinition> attributes = new ArrayList<>();
    spec.path("attributeDefinitions")
        .forEach(
            a ->
                attributes.add(
                    AttributeDefinition.builder()
                        .attributeName(a.path("attributeName").asText())
                        .attributeType(a.path("attributeType").asText())
                        .build()));
    BillingMode billing = BillingMode.fromValue(spec.path("billingMode").asText("PROVISIONED"));
    ProvisionedThroughput throughput =
        billing == BillingMode.PROVISIONED
            ? ProvisionedThroughput.builder()
                .readCapacityUnits(
                    spec.path("provisionedThroughput").path("readCapacityUnits").asLong(1))
                .writeCapacityUnits(
                    spec.path("provisionedThroughput").path("writeCapacityUnits").asLong(1))
                .build()
            : null;
    boolean hasTags = spec.has("tags");
    Map<String, String> tags = AwsKind.tags(spec);

    TableDescription live = describe(name);
    if (live == null) {
      Plan plan =
          Plan.create()
              .then(
                  () -> {
                    dynamo.createTable(
                        b ->
                            b.tableName(name)
                                .keySchema(keys)
                                .attributeDefinitions(attributes)
                                .billingMode(billing)
                                .provisionedThroughput(throughput));
                    awaitActive(name);
                  });
      if (hasTags && !tags.isEmpty()) {
        plan.then(() -> tag(describe(name).tableArn(), tags, Map.of()));
      }
      return plan;
    }
    if (!sameKeys(keys, live.keySchema())) {
      throw new NeedsReplace(
          "the key schema of table " + name + " changed: a table must be replaced to change it");
    }
    Plan plan = Plan.update();
    BillingMode liveBilling =
        live.billingModeSummary() == null
            ? BillingMode.PROVISIONED
            : live.billingModeSummary().billingMode();
    boolean throughputDiffers =
        billing == BillingMode.PROVISIONED
            && (live.provisionedThroughput() == null
                || !throughput
                    .readCapacityUnits()
                    .equals(live.provisionedThroughput().readCapacityUnits())
                || !throughput
                    .writeCapacityUnits()
                    .equals(live.provisionedThroughput().writeCapacityUnits()));
    if (billing != liveBilling || throughputDiffers) {
      plan.then(
          () -> {
            dynamo.updateTable(
                b -> b.tableName(name).billingMode(billing).provisionedThroughput(throughput));
            awaitActive(name);
          });
    }
    if (hasTags) {
      Map<String, String> liveTags = new TreeMap<>();
      dynamo
          .listTagsOfResource(b -> b.resourceArn(live.tableArn()))
          .tags()
          .forEach(t -> liveTags.put(t.key(), t.value()));
      if (!tags.equals(liveTags)) {
        plan.then(() -> tag(live.tableArn(), tags, liveTags));
      }
    }
    return plan;
  }

  @Override
  public Outcome delete(String name, JsonNode spec, boolean dryRun) {
    if (describe(name) == null) {
      return new Outcome.Unchanged();
    }
    if (!dryRun) {
      dynamo.deleteTable(b -> b.tableName(name));
    }
    return new Outcome.Deleted();
  }

  private TableDescription describe(String name) {
    try {
      return dynamo.describeTable(b -> b.tableName(name)).table();
    } catch (ResourceNotFoundException e) {
      return null;
    }
  }

  /**
   * Waits until the table is {@code ACTIVE} (writes to a table in {@code CREATING} or {@code
   * UPDATING} fail). The SDK's waiter polls every 20 s; tables are usually ready much sooner.
   */
  private void awaitActive(String name) {
    long deadline = System.nanoTime() + activeTimeout.toNanos();
    while (true) {
      TableDescription t = describe(name);
      if (t != null && t.tableStatus() == TableStatus.ACTIVE) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw ResourceInUseException.builder()
            .message("table " + name + " is not ACTIVE after " + activeTimeout)
            .awsErrorDetails(
                software.amazon.awssdk.awscore.exception.AwsErrorDetails.builder()
                    .errorCode("ResourceInUseException")
                    .errorMessage("table " + name + " is not ACTIVE after " + activeTimeout)
                    .build())
            .build();
      }
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for table " + name, e);
      }
    }
  }

  private void tag(String arn, Map<String, String> desired, Map<String, String> live) {
    List<String> gone = live.keySet().stream().filter(k -> !desired.containsKey(k)).toList();
    if (!gone.isEmpty()) {
      dynamo.untagResource(b -> b.resourceArn(arn).tagKeys(gone));
    }
    List<Tag> set =
        desired.entrySet().stream()
            .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build())
            .toList();
    if (!set.isEmpty()) {
      dynamo.tagResource(b -> b.resourceArn(arn).tags(set));
    }
  }

  private static boolean sameKeys(List<KeySchemaElement> desired, List<KeySchemaElement> live) {
    if (desired.size() != live.size()) {
      return false;
    }
    for (int i = 0; i < desired.size(); i++) {
      if (!desired.get(i).attributeName().equals(live.get(i).attributeName())
          || !desired.get(i).keyTypeAsString().equals(live.get(i).keyTypeAsString())) {
        return false;
      }
    }
    return true;
  }
}
