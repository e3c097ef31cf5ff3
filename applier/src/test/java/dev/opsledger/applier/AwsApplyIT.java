package dev.opsledger.applier;

import static dev.opsledger.testkit.TestAwait.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsledger.events.ApplyFailed;
import dev.opsledger.events.ApplyOutcome;
import dev.opsledger.events.ApplySucceeded;
import dev.opsledger.events.CanonicalJson;
import dev.opsledger.events.DesiredStateChanged;
import dev.opsledger.events.DesiredStateRemoved;
import dev.opsledger.events.DriftDetected;
import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.EventJson;
import dev.opsledger.events.OpsLedgerEvent;
import dev.opsledger.events.Person;
import dev.opsledger.events.ResourceEvent;
import dev.opsledger.events.ResourceExtraneous;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.events.ResourceMissing;
import dev.opsledger.events.Topic;
import dev.opsledger.service.EventPublisher;
import dev.opsledger.testkit.LogTail;
import dev.opsledger.testkit.SharedKafka;
import dev.opsledger.testkit.aws.AwsEmulators;
import dev.opsledger.testkit.aws.AwsTestClients;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.Role;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The AWS kinds against the loopback emulators of {@code testkit-aws} (what each does not emulate
 * is in its Javadoc; notably s3proxy has no bucket tagging, so no bucket here declares tags).
 */
@SpringBootTest(classes = ApplierApplication.class)
@DirtiesContext
class AwsApplyIT {

  static final String ACCOUNT =
      Long.toString(100_000_000_000L + ThreadLocalRandom.current().nextLong(800_000_000_000L));
  static final String TARGET = ACCOUNT + ":us-east-1";
  static final AwsEmulators AWS = AwsEmulators.all().start();
  static LogTail tail;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    // The fleet's key: a service that seals or opens Secret values refuses to start without it.
    registry.add("opsledger.secrets.key", () -> "BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=");
    registry.add("opsledger.kafka.bootstrap-servers", SharedKafka::bootstrapServers);
    registry.add("opsledger.applier.kubernetes.enabled", () -> "false");
    registry.add("opsledger.applier.management.port", () -> "0");
    registry.add("opsledger.applier.aws.enabled", () -> "true");
    registry.add("opsledger.applier.aws.target", () -> TARGET);
    registry.add("opsledger.applier.aws.s3-endpoint", () -> AWS.s3().endpoint().toString());
    registry.add(
        "opsledger.applier.aws.dynamodb-endpoint", () -> AWS.dynamoDb().endpoint().toString());
    registry.add("opsledger.applier.aws.sqs-endpoint", () -> AWS.sqs().endpoint().toString());
    registry.add("opsledger.applier.aws.iam-endpoint", () -> AWS.iam().endpoint().toString());
    registry.add("opsledger.applier.aws.access-key-id", () -> AwsTestClients.ACCESS_KEY_ID);
    registry.add("opsledger.applier.aws.secret-access-key", () -> AwsTestClients.SECRET_ACCESS_KEY);
    registry.add("opsledger.applier.sources.prune.prune", () -> "true");
    registry.add("opsledger.applier.retry.initial-backoff", () -> "200ms");
    registry.add("opsledger.applier.retry.max-backoff", () -> "1s");
    ApplierConfiguration.FUNCTIONS.forEach(
        f ->
            registry.add(
                f.groupProperty(), () -> f.group().replace("opsledger-applier", "applier-it-aws")));
  }

  @AfterAll
  static void stop() {
    if (tail != null) {
      tail.close();
    }
    try {
      AWS.close();
    } catch (IllegalStateException e) {
      // s3proxy's graceful stop (1 s) times out while the JDK's keep-alive cache still holds the
      // applier's idle URL-connection sockets (the context closes after @AfterAll, and the cache
      // outlives it); the emulator is stopped all the same. Reported to testkit-aws.
      LoggerFactory.getLogger(AwsApplyIT.class).info("AWS emulators closed: {}", e.getMessage());
    }
  }

  @Autowired EventPublisher publisher;

  @BeforeEach
  void startTail() {
    if (tail == null) {
      tail =
          LogTail.fromEnd(
              SharedKafka.bootstrapServers(), LogTail.keyStartsWith(TARGET + "/"), Topic.APPLIES);
    }
  }

  @Test
  void createsABucketWithVersioningThenReportsItUnchanged() {
    ResourceKey key = aws("S3Bucket", "bucket-versioned");
    String rev = declare(key, "auto", manifest(key, spec().put("versioning", "Enabled")));
    assertThat(succeeded(missing(key, "auto", rev)).outcome()).isEqualTo(ApplyOutcome.CREATED);
    try (S3Client s3 = AWS.s3().newClient()) {
      assertThat(s3.getBucketVersioning(b -> b.bucket(key.name())).status())
          .isEqualTo(BucketVersioningStatus.ENABLED);
    }
    assertThat(succeeded(drift(key, "auto", rev)).outcome()).isEqualTo(ApplyOutcome.UNCHANGED);
  }

  @Test
  void neverDeletesANonEmptyBucketUnlessItsManifestSaysSo() {
    ResourceKey key = aws("S3Bucket", "bucket-full");
    String r1 = declare(key, "prune", manifest(key, spec()));
    succeeded(missing(key, "prune", r1));
    try (S3Client s3 = AWS.s3().newClient()) {
      s3.putObject(b -> b.bucket(key.name()).key("data.txt"), RequestBody.fromString("x"));
    }
    String r2 = remove(key, "prune");
    ApplyFailed refused = (ApplyFailed) finalOf(extraneous(key, "prune", r2), ApplyFailed.class);
    assertThat(refused.terminal()).isTrue();
    assertThat(refused.reason()).isEqualTo("BucketNotEmpty");

    ResourceKey forced = aws("S3Bucket", "bucket-forced");
    String f1 = declare(forced, "prune", manifest(forced, spec().put("forceDelete", true)));
    succeeded(missing(forced, "prune", f1));
    try (S3Client s3 = AWS.s3().newClient()) {
      s3.putObject(b -> b.bucket(forced.name()).key("data.txt"), RequestBody.fromString("x"));
    }
    String f2 = remove(forced, "prune");
    assertThat(succeeded(extraneous(forced, "prune", f2)).outcome())
        .isEqualTo(ApplyOutcome.DELETED);
    try (S3Client s3 = AWS.s3().newClient()) {
      assertThat(s3.listBuckets().buckets()).noneMatch(b -> b.name().equals(forced.name()));
      assertThat(s3.listBuckets().buckets()).anyMatch(b -> b.name().equals(key.name()));
    }
  }

  @Test
  void createsAndUpdatesATableAndRefusesAKeySchemaChange() {
    ResourceKey key = aws("DynamoDBTable", "orders");
    String r1 = declare(key, "auto", manifest(key, table("id", 1, Map.of("team", "a"))));
    assertThat(succeeded(missing(key, "auto", r1)).outcome()).isEqualTo(ApplyOutcome.CREATED);

    String r2 = declare(key, "auto", manifest(key, table("id", 5, Map.of("team", "b"))));
    assertThat(succeeded(drift(key, "auto", r2)).outcome()).isEqualTo(ApplyOutcome.PATCHED);
    try (DynamoDbClient dynamo = AWS.dynamoDb().newClient()) {
      TableDescription t = dynamo.describeTable(b -> b.tableName(key.name())).table();
      assertThat(t.provisionedThroughput().readCapacityUnits()).isEqualTo(5L);
      assertThat(dynamo.listTagsOfResource(b -> b.resourceArn(t.tableArn())).tags())
          .singleElement()
          .satisfies(tag -> assertThat(tag.value()).isEqualTo("b"));
    }

    String r3 = declare(key, "auto", manifest(key, table("orderId", 5, Map.of("team", "b"))));
    ApplyFailed failed = (ApplyFailed) finalOf(drift(key, "auto", r3), ApplyFailed.class);
    assertThat(failed.terminal()).isTrue();
    assertThat(failed.reason()).isEqualTo("NeedsReplace");
  }

  @Test
  void createsAQueueAndSetsOnlyChangedAttributesAndTags() {
    ResourceKey key = aws("SQSQueue", "jobs");
    ObjectNode s1 = spec();
    s1.putObject("attributes").put("VisibilityTimeout", "30").put("DelaySeconds", "0");
    s1.putObject("tags").put("team", "a");
    String r1 = declare(key, "auto", manifest(key, s1));
    assertThat(succeeded(missing(key, "auto", r1)).outcome()).isEqualTo(ApplyOutcome.CREATED);
    assertThat(succeeded(drift(key, "auto", r1)).outcome()).isEqualTo(ApplyOutcome.UNCHANGED);

    ObjectNode s2 = spec();
    s2.putObject("attributes").put("VisibilityTimeout", "45").put("DelaySeconds", "0");
    s2.putObject("tags").put("team", "b");
    String r2 = declare(key, "auto", manifest(key, s2));
    assertThat(succeeded(drift(key, "auto", r2)).outcome()).isEqualTo(ApplyOutcome.PATCHED);
    try (SqsClient sqs = AWS.sqs().newClient()) {
      String url = sqs.getQueueUrl(b -> b.queueName(key.name())).queueUrl();
      assertThat(
              sqs.getQueueAttributes(
                      b -> b.queueUrl(url).attributeNames(QueueAttributeName.VISIBILITY_TIMEOUT))
                  .attributesAsStrings())
          .containsEntry("VisibilityTimeout", "45");
      assertThat(sqs.listQueueTags(b -> b.queueUrl(url)).tags()).containsEntry("team", "b");
    }
  }

  @Test
  void createsARoleAndUpdatesItsTrustPolicyDescriptionAndTags() {
    ResourceKey key = aws("IAMRole", "deployer");
    String r1 = declare(key, "auto", manifest(key, role("ec2.amazonaws.com", "first", "a")));
    assertThat(succeeded(missing(key, "auto", r1)).outcome()).isEqualTo(ApplyOutcome.CREATED);
    assertThat(succeeded(drift(key, "auto", r1)).outcome()).isEqualTo(ApplyOutcome.UNCHANGED);

    String r2 = declare(key, "auto", manifest(key, role("lambda.amazonaws.com", "second", "b")));
    assertThat(succeeded(drift(key, "auto", r2)).outcome()).isEqualTo(ApplyOutcome.PATCHED);
    try (IamClient iam = AWS.iam().newClient()) {
      Role live = iam.getRole(b -> b.roleName(key.name())).role();
      assertThat(live.description()).isEqualTo("second");
      assertThat(URLDecoder.decode(live.assumeRolePolicyDocument(), StandardCharsets.UTF_8))
          .contains("lambda.amazonaws.com");
      assertThat(iam.listRoleTags(b -> b.roleName(key.name())).tags())
          .singleElement()
          .satisfies(t -> assertThat(t.value()).isEqualTo("b"));
    }
  }

  // ---------------------------------------------------------------------------------------------

  static ResourceKey aws(String kind, String name) {
    return ResourceKey.of(
        TARGET,
        ResourceKey.AWS_GROUP,
        kind,
        "",
        name + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff)));
  }

  static ObjectNode spec() {
    return EventJson.mapper().createObjectNode();
  }

  static ObjectNode manifest(ResourceKey key, ObjectNode spec) {
    ObjectNode m = EventJson.mapper().createObjectNode();
    m.put("apiVersion", "aws.opsledger.dev/v1").put("kind", key.kind());
    m.putObject("metadata").put("name", key.name());
    m.set("spec", spec);
    return m;
  }

  static ObjectNode table(String hashKey, int read, Map<String, String> tags) {
    ObjectNode s = spec();
    s.putArray("attributeDefinitions")
        .addObject()
        .put("attributeName", hashKey)
        .put("attributeType", "S");
    s.putArray("keySchema").addObject().put("attributeName", hashKey).put("keyType", "HASH");
    s.put("billingMode", "PROVISIONED");
    s.putObject("provisionedThroughput")
        .put("readCapacityUnits", read)
        .put("writeCapacityUnits", 1);
    ObjectNode t = s.putObject("tags");
    tags.forEach(t::put);
    return s;
  }

  static ObjectNode role(String service, String description, String team) {
    ObjectNode s = spec();
    ObjectNode policy = s.putObject("assumeRolePolicyDocument");
    policy.put("Version", "2012-10-17");
    ObjectNode statement = policy.putArray("Statement").addObject();
    statement.put("Effect", "Allow").put("Action", "sts:AssumeRole");
    statement.putObject("Principal").put("Service", service);
    s.put("description", description);
    s.putObject("tags").put("team", team);
    return s;
  }

  String declare(ResourceKey key, String source, ObjectNode manifest) {
    String rev = KubernetesScenarios.randomRevision();
    publish(
        rev,
        new DesiredStateChanged(
            key,
            source,
            rev,
            "aws.yaml",
            CanonicalJson.hash(manifest),
            manifest,
            new Person("Dev", ""),
            Instant.now(),
            null));
    return rev;
  }

  String remove(ResourceKey key, String source) {
    String rev = KubernetesScenarios.randomRevision();
    publish(rev, new DesiredStateRemoved(key, source, rev, "aws.yaml", null, Instant.now(), null));
    return rev;
  }

  EventEnvelope<ResourceMissing> missing(ResourceKey key, String source, String rev) {
    return publish(rev, new ResourceMissing(key, source, rev, Instant.now()));
  }

  EventEnvelope<DriftDetected> drift(ResourceKey key, String source, String rev) {
    return publish(
        rev,
        new DriftDetected(
            key,
            source,
            rev,
            "sha256:00",
            Instant.now(),
            EventJson.mapper().createArrayNode(),
            "",
            List.of()));
  }

  EventEnvelope<ResourceExtraneous> extraneous(ResourceKey key, String source, String rev) {
    return publish(rev, new ResourceExtraneous(key, source, rev, "sha256:00", Instant.now()));
  }

  <E extends ResourceEvent> EventEnvelope<E> publish(String correlation, E event) {
    EventEnvelope<E> envelope = EventEnvelope.create("/opsledger/test", correlation, event);
    publisher.publishAndWait(envelope, Duration.ofSeconds(30));
    return envelope;
  }

  ApplySucceeded succeeded(EventEnvelope<?> diff) {
    return (ApplySucceeded) finalOf(diff, ApplySucceeded.class);
  }

  OpsLedgerEvent finalOf(EventEnvelope<?> diff, Class<? extends OpsLedgerEvent> type) {
    await("a " + type.getSimpleName() + " caused by " + diff.data())
        .until(() -> tail.causedBy(diff.id()).stream().anyMatch(e -> type.isInstance(e.data())));
    return tail.causedBy(diff.id()).stream()
        .filter(e -> type.isInstance(e.data()))
        .reduce((a, b) -> b)
        .orElseThrow()
        .data();
  }
}
