package dev.opsledger.collector.aws;

import static dev.opsledger.collector.support.ObservedLog.absent;
import static dev.opsledger.collector.support.ObservedLog.changed;
import static dev.opsledger.collector.support.ObservedLog.failed;
import static dev.opsledger.testkit.TestAwait.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.collector.StateCollectorProperties.AwsTarget;
import dev.opsledger.collector.support.Collectors;
import dev.opsledger.collector.support.ObservedLog;
import dev.opsledger.events.ObservedStateChanged;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.testkit.aws.AwsEmulators;
import dev.opsledger.testkit.aws.AwsTestClients;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** The AWS side against S3 (s3proxy), SQS (ElasticMQ), DynamoDB (dynalite) and the IAM fake. */
class AwsCollectorIT {

  @RegisterExtension static final AwsEmulators AWS = AwsEmulators.all();

  private static final String TRUST =
      "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
          + "\"Principal\":{\"Service\":\"ec2.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}";

  private String target;
  private String suffix;
  private Collectors collector;
  private AwsCollector aws;
  private ObservedLog log;

  @BeforeEach
  void start() {
    suffix = UUID.randomUUID().toString().substring(0, 8);
    target = "000000000000:us-east-1-" + suffix;
  }

  @AfterEach
  void stop() {
    if (log != null) {
      log.close();
    }
    if (collector != null) {
      collector.close();
    }
  }

  @Test
  void observesEachKindAsAManifestShapedObject() {
    String bucket = "logs-" + suffix;
    String table = "orders-" + suffix;
    String queue = "jobs-" + suffix;
    String role = "deployer-" + suffix;
    try (var s3 = AWS.s3().newClient();
        var dynamo = AWS.dynamoDb().newClient();
        var sqs = AWS.sqs().newClient();
        var iam = AWS.iam().newClient()) {
      s3.createBucket(b -> b.bucket(bucket));
      s3.putBucketVersioning(
          b ->
              b.bucket(bucket)
                  .versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
      String arn =
          dynamo
              .createTable(
                  b ->
                      b.tableName(table)
                          .attributeDefinitions(
                              a -> a.attributeName("id").attributeType(ScalarAttributeType.S))
                          .keySchema(k -> k.attributeName("id").keyType(KeyType.HASH))
                          .billingMode(BillingMode.PROVISIONED)
                          .provisionedThroughput(
                              p -> p.readCapacityUnits(5L).writeCapacityUnits(2L)))
              .tableDescription()
              .tableArn();
      dynamo.tagResource(b -> b.resourceArn(arn).tags(t -> t.key("team").value("core")));
      sqs.createQueue(
          b ->
              b.queueName(queue)
                  .attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "45"))
                  .tags(Map.of("env", "prod")));
      iam.createRole(
          b ->
              b.roleName(role)
                  .assumeRolePolicyDocument(TRUST)
                  .description("CI deployer")
                  .tags(t -> t.key("owner").value("platform")));
    }
    startCollector(
        AWS.endpoints().entrySet().stream()
            .collect(
                java.util.stream.Collectors.toMap(
                    e -> e.getKey().name().toLowerCase(java.util.Locale.ROOT),
                    Map.Entry::getValue)));

    ResourceKey bucketKey = AwsManifests.key(target, "S3Bucket", bucket);
    ResourceKey tableKey = AwsManifests.key(target, "DynamoDBTable", table);
    ResourceKey queueKey = AwsManifests.key(target, "SQSQueue", queue);
    ResourceKey roleKey = AwsManifests.key(target, "IAMRole", role);
    await("every kind is observed")
        .until(
            () ->
                log.has(changed(bucketKey))
                    && log.has(changed(tableKey))
                    && log.has(changed(queueKey))
                    && log.has(changed(roleKey)));

    assertThat(spec(bucketKey).toString()).isEqualTo("{\"versioning\":\"Enabled\"}");
    assertThat(spec(tableKey).path("billingMode").asText()).isEqualTo("PROVISIONED");
    assertThat(spec(tableKey).path("provisionedThroughput").toString())
        .isEqualTo("{\"readCapacityUnits\":5,\"writeCapacityUnits\":2}");
    assertThat(spec(tableKey).path("keySchema").toString())
        .isEqualTo("[{\"attributeName\":\"id\",\"keyType\":\"HASH\"}]");
    assertThat(spec(tableKey).path("tags").toString()).isEqualTo("{\"team\":\"core\"}");
    assertThat(spec(queueKey).path("attributes").path("VisibilityTimeout").asText())
        .isEqualTo("45");
    assertThat(spec(queueKey).path("attributes").has("QueueArn")).isFalse();
    assertThat(spec(queueKey).path("tags").toString()).isEqualTo("{\"env\":\"prod\"}");
    assertThat(
            spec(roleKey)
                .path("assumeRolePolicyDocument")
                .path("Statement")
                .get(0)
                .path("Action")
                .asText())
        .isEqualTo("sts:AssumeRole");
    assertThat(spec(roleKey).path("description").asText()).isEqualTo("CI deployer");
    assertThat(spec(roleKey).path("tags").toString()).isEqualTo("{\"owner\":\"platform\"}");
  }

  @Test
  void aPollThatFindsNothingNewEmitsNothingAndADeletedQueueIsAbsent() {
    String queue = "gone-" + suffix;
    String marker = "marker-" + suffix;
    String url;
    try (var sqs = AWS.sqs().newClient()) {
      url = sqs.createQueue(b -> b.queueName(queue)).queueUrl();
    }
    startCollector(Map.of("sqs", AWS.sqs().endpoint()));
    ResourceKey queueKey = AwsManifests.key(target, "SQSQueue", queue);
    await("the queue is observed").until(() -> log.has(changed(queueKey)));

    aws.pollNow(target).join();
    aws.pollNow(target).join();
    try (var sqs = AWS.sqs().newClient()) {
      sqs.deleteQueue(b -> b.queueUrl(url));
      sqs.createQueue(b -> b.queueName(marker));
    }
    aws.pollNow(target).join();

    await("the deleted queue is absent").until(() -> log.has(absent(queueKey, "not-found")));
    await("the marker queue is observed")
        .until(() -> log.has(changed(AwsManifests.key(target, "SQSQueue", marker))));
    assertThat(log.of(queueKey)).hasSize(2);
  }

  @Test
  void aFailingServiceIsReportedAndTheOthersKeepBeingObserved() {
    String bucket = "still-" + suffix;
    try (var s3 = AWS.s3().newClient()) {
      s3.createBucket(b -> b.bucket(bucket));
    }
    Map<String, URI> endpoints = new LinkedHashMap<>();
    endpoints.put("s3", AWS.s3().endpoint());
    // Nothing listens on port 9 of loopback: IAM is unreachable.
    endpoints.put("iam", URI.create("http://127.0.0.1:9"));
    startCollector(endpoints);

    await("the unreachable service is reported")
        .until(
            () ->
                log.has(
                    failed(
                        AwsManifests.key(target, "IAMRole", ResourceKey.ANY_NAME), "Unreachable")));
    await("the bucket is still observed")
        .until(() -> log.has(changed(AwsManifests.key(target, "S3Bucket", bucket))));
    assertThat(
            collector
                .registry
                .find("opsledger.collector.api.errors")
                .tag("kind", "IAMRole")
                .counter()
                .count())
        .isEqualTo(1);
  }

  @Test
  void aDeclaredResourceThatDoesNotExistIsNotFound() {
    startCollector(Map.of("sqs", AWS.sqs().endpoint()));
    aws.pollNow(target).join();
    ResourceKey declared = AwsManifests.key(target, "SQSQueue", "never-" + suffix);

    collector.declare(declared, AwsManifests.API_VERSION);

    await("the declared queue is reported absent")
        .until(() -> log.has(absent(declared, "not-found")));
  }

  private void startCollector(Map<String, URI> endpoints) {
    AwsTarget settings =
        new AwsTarget(
            target,
            AwsTestClients.REGION.id(),
            null,
            new LinkedHashMap<>(endpoints),
            List.copyOf(endpoints.keySet()));
    collector = new Collectors(target, null, Duration.ofMinutes(10));
    AwsTargetPoller poller =
        new AwsTargetPoller(
            target,
            AwsClients.readers(
                settings, AwsTestClients.credentials(), Throttling.of(Duration.ofMillis(50), 3)),
            collector.declared,
            collector.emitter);
    aws =
        collector.closeLater(
            new AwsCollector(List.of(poller), collector.metrics, Duration.ofHours(1)));
    collector.addListener(aws);
    log = new ObservedLog(target);
  }

  private com.fasterxml.jackson.databind.JsonNode spec(ResourceKey key) {
    return log.of(key).stream()
        .filter(ObservedStateChanged.class::isInstance)
        .map(e -> ((ObservedStateChanged) e).live().path("spec"))
        .reduce((a, b) -> b)
        .orElseThrow();
  }
}
