package dev.opsledger.collector.aws;

import dev.opsledger.collector.observe.Observation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.Tag;

/** DynamoDB tables: key schema, billing mode, provisioned throughput, tags. */
final class DynamoDbTableReader implements AwsKindReader {

  private final DynamoDbClient dynamo;
  private final Throttling throttling;

  DynamoDbTableReader(DynamoDbClient dynamo, Throttling throttling) {
    this.dynamo = dynamo;
    this.throttling = throttling;
  }

  @Override
  public String kind() {
    return "DynamoDBTable";
  }

  @Override
  public List<Observation> read(String target) {
    List<String> names =
        throttling.call(
            "ListTables", () -> dynamo.listTablesPaginator().tableNames().stream().toList());
    List<Observation> out = new ArrayList<>(names.size());
    for (String name : names) {
      try {
        TableDescription table =
            throttling.call(
                "DescribeTable", () -> dynamo.describeTable(b -> b.tableName(name)).table());
        out.add(AwsManifests.present(target, manifest(table)));
      } catch (RuntimeException e) {
        out.add(AwsFailures.failed(AwsManifests.key(target, kind(), name), e));
      }
    }
    return out;
  }

  private com.fasterxml.jackson.databind.node.ObjectNode manifest(TableDescription table) {
    List<AwsManifests.Attribute> attributes = new ArrayList<>();
    for (AttributeDefinition d : table.attributeDefinitions()) {
      attributes.add(new AwsManifests.Attribute(d.attributeName(), d.attributeTypeAsString()));
    }
    List<AwsManifests.Attribute> keys = new ArrayList<>();
    for (KeySchemaElement k : table.keySchema()) {
      keys.add(new AwsManifests.Attribute(k.attributeName(), k.keyTypeAsString()));
    }
    String billing =
        table.billingModeSummary() == null
            ? null
            : table.billingModeSummary().billingModeAsString();
    Long read =
        table.provisionedThroughput() == null
            ? null
            : table.provisionedThroughput().readCapacityUnits();
    Long write =
        table.provisionedThroughput() == null
            ? null
            : table.provisionedThroughput().writeCapacityUnits();
    return AwsManifests.dynamoDbTable(
        table.tableName(), attributes, keys, billing, read, write, tags(table.tableArn()));
  }

  private Map<String, String> tags(String arn) {
    Map<String, String> tags = new LinkedHashMap<>();
    String next = null;
    do {
      String token = next;
      var page =
          throttling.call(
              "ListTagsOfResource",
              () -> dynamo.listTagsOfResource(b -> b.resourceArn(arn).nextToken(token)));
      for (Tag t : page.tags()) {
        tags.put(t.key(), t.value());
      }
      next = page.nextToken();
    } while (next != null && !next.isEmpty());
    return tags;
  }

  @Override
  public void close() {
    dynamo.close();
  }
}
