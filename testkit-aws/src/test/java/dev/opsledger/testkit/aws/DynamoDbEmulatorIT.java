package dev.opsledger.testkit.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.dynamodb.model.Tag;

class DynamoDbEmulatorIT {

  private static final Duration TRANSITION = Duration.ofSeconds(60);

  private static DynamoDbEmulator emulator;
  private static DynamoDbClient dynamo;

  @BeforeAll
  static void start() {
    emulator = DynamoDbEmulator.start();
    dynamo = emulator.newClient();
  }

  @AfterAll
  static void stop() {
    dynamo.close();
    emulator.close();
  }

  @Test
  void createsAProvisionedTableThatBecomesActive() {
    TableDescription created = dynamo.createTable(provisioned("orders", 5, 5)).tableDescription();

    assertThat(created.tableStatus()).isEqualTo(TableStatus.CREATING);
    assertThat(created.tableArn())
        .isEqualTo("arn:aws:dynamodb:us-east-1:000000000000:table/orders");
    TableDescription active = awaitStatus("orders", TableStatus.ACTIVE);
    assertThat(active.keySchema())
        .extracting(k -> k.attributeName() + ":" + k.keyType())
        .containsExactly("pk:HASH", "sk:RANGE");
    assertThat(active.attributeDefinitions())
        .extracting(a -> a.attributeName() + ":" + a.attributeType())
        .containsExactlyInAnyOrder("pk:S", "sk:N");
    assertThat(active.provisionedThroughput().readCapacityUnits()).isEqualTo(5L);
    assertThat(active.provisionedThroughput().writeCapacityUnits()).isEqualTo(5L);
    assertThat(dynamo.listTables().tableNames()).contains("orders");
  }

  @Test
  void updatesProvisionedThroughput() {
    dynamo.createTable(provisioned("invoices", 5, 5));
    awaitStatus("invoices", TableStatus.ACTIVE);

    TableDescription updating =
        dynamo
            .updateTable(
                b ->
                    b.tableName("invoices")
                        .provisionedThroughput(
                            p -> p.readCapacityUnits(10L).writeCapacityUnits(20L)))
            .tableDescription();

    assertThat(updating.tableStatus()).isEqualTo(TableStatus.UPDATING);
    TableDescription active = awaitStatus("invoices", TableStatus.ACTIVE);
    assertThat(active.provisionedThroughput().readCapacityUnits()).isEqualTo(10L);
    assertThat(active.provisionedThroughput().writeCapacityUnits()).isEqualTo(20L);
  }

  @Test
  void createsAnOnDemandTableAndSwitchesItToProvisioned() {
    dynamo.createTable(
        b ->
            b.tableName("sessions")
                .attributeDefinitions(attribute("id", ScalarAttributeType.S))
                .keySchema(key("id", KeyType.HASH))
                .billingMode(BillingMode.PAY_PER_REQUEST));
    assertThat(awaitStatus("sessions", TableStatus.ACTIVE).billingModeSummary().billingMode())
        .isEqualTo(BillingMode.PAY_PER_REQUEST);

    dynamo.updateTable(
        b ->
            b.tableName("sessions")
                .billingMode(BillingMode.PROVISIONED)
                .provisionedThroughput(p -> p.readCapacityUnits(3L).writeCapacityUnits(4L)));

    TableDescription active = awaitStatus("sessions", TableStatus.ACTIVE);
    assertThat(active.billingModeSummary().billingMode()).isEqualTo(BillingMode.PROVISIONED);
    assertThat(active.provisionedThroughput().readCapacityUnits()).isEqualTo(3L);
  }

  @Test
  void tagsUntagsAndListsTagsOfATable() {
    String arn = dynamo.createTable(provisioned("tagged", 1, 1)).tableDescription().tableArn();
    awaitStatus("tagged", TableStatus.ACTIVE);

    dynamo.tagResource(
        b ->
            b.resourceArn(arn)
                .tags(
                    Tag.builder().key("team").value("ops").build(),
                    Tag.builder().key("env").value("test").build()));
    assertThat(dynamo.listTagsOfResource(b -> b.resourceArn(arn)).tags())
        .extracting(t -> t.key() + "=" + t.value())
        .containsExactlyInAnyOrder("team=ops", "env=test");

    dynamo.untagResource(b -> b.resourceArn(arn).tagKeys("env"));
    assertThat(dynamo.listTagsOfResource(b -> b.resourceArn(arn)).tags())
        .extracting(Tag::key)
        .containsExactly("team");
  }

  @Test
  void ignoresTagsGivenToCreateTable() {
    String arn =
        dynamo
            .createTable(
                provisioned("untagged", 1, 1).toBuilder()
                    .tags(Tag.builder().key("team").value("ops").build())
                    .build())
            .tableDescription()
            .tableArn();
    awaitStatus("untagged", TableStatus.ACTIVE);

    assertThat(dynamo.listTagsOfResource(b -> b.resourceArn(arn)).tags()).isEmpty();
  }

  @Test
  void deletesATable() {
    dynamo.createTable(provisioned("doomed", 1, 1));
    awaitStatus("doomed", TableStatus.ACTIVE);

    TableDescription deleting = dynamo.deleteTable(b -> b.tableName("doomed")).tableDescription();

    assertThat(deleting.tableStatus()).isEqualTo(TableStatus.DELETING);
    await("table doomed gone")
        .atMost(TRANSITION)
        .untilAsserted(
            () ->
                assertThatThrownBy(() -> dynamo.describeTable(b -> b.tableName("doomed")))
                    .isInstanceOf(ResourceNotFoundException.class));
    assertThat(dynamo.listTables().tableNames()).doesNotContain("doomed");
  }

  @Test
  void answersUnknownOperationForTimeToLiveUpdates() {
    dynamo.createTable(provisioned("expiring", 1, 1));
    awaitStatus("expiring", TableStatus.ACTIVE);

    assertThatThrownBy(
            () ->
                dynamo.updateTimeToLive(
                    b ->
                        b.tableName("expiring")
                            .timeToLiveSpecification(s -> s.enabled(true).attributeName("ttl"))))
        .isInstanceOfSatisfying(
            DynamoDbException.class,
            e ->
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("UnknownOperationException"));
  }

  private static CreateTableRequest provisioned(String name, long read, long write) {
    return CreateTableRequest.builder()
        .tableName(name)
        .attributeDefinitions(
            attribute("pk", ScalarAttributeType.S), attribute("sk", ScalarAttributeType.N))
        .keySchema(key("pk", KeyType.HASH), key("sk", KeyType.RANGE))
        .billingMode(BillingMode.PROVISIONED)
        .provisionedThroughput(p -> p.readCapacityUnits(read).writeCapacityUnits(write))
        .build();
  }

  private static AttributeDefinition attribute(String name, ScalarAttributeType type) {
    return AttributeDefinition.builder().attributeName(name).attributeType(type).build();
  }

  private static KeySchemaElement key(String name, KeyType type) {
    return KeySchemaElement.builder().attributeName(name).keyType(type).build();
  }

  private static TableDescription awaitStatus(String table, TableStatus status) {
    return await("table " + table + " " + status)
        .atMost(TRANSITION)
        .until(
            () -> dynamo.describeTable(b -> b.tableName(table)).table(),
            t -> t.tableStatus() == status);
  }
}
