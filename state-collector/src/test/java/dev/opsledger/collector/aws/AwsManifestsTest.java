package dev.opsledger.collector.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opsledger.collector.observe.Observation;
import dev.opsledger.events.CanonicalJson;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AwsManifestsTest {

  @Test
  void anS3BucketHasVersioningAndTagsInItsSpec() {
    assertThat(AwsManifests.s3Bucket("logs", "Enabled", Map.of("team", "core")).toString())
        .isEqualTo(
            "{\"apiVersion\":\"aws.opsledger.dev/v1\",\"kind\":\"S3Bucket\",\"metadata\":{\"name\":\"logs\"},"
                + "\"spec\":{\"versioning\":\"Enabled\",\"tags\":{\"team\":\"core\"}}}");
  }

  @Test
  void anS3BucketNeverVersionedOrWithoutTaggingSupportLeavesThoseFieldsOut() {
    assertThat(AwsManifests.s3Bucket("logs", null, null).path("spec").isEmpty()).isTrue();
  }

  @Test
  void aProvisionedDynamoDbTableHasItsThroughput() {
    var table =
        AwsManifests.dynamoDbTable(
            "orders",
            List.of(new AwsManifests.Attribute("id", "S")),
            List.of(new AwsManifests.Attribute("id", "HASH")),
            null,
            5L,
            2L,
            Map.of());

    assertThat(table.path("spec").toString())
        .isEqualTo(
            "{\"attributeDefinitions\":[{\"attributeName\":\"id\",\"attributeType\":\"S\"}],"
                + "\"keySchema\":[{\"attributeName\":\"id\",\"keyType\":\"HASH\"}],"
                + "\"billingMode\":\"PROVISIONED\",\"provisionedThroughput\":"
                + "{\"readCapacityUnits\":5,\"writeCapacityUnits\":2},\"tags\":{}}");
  }

  @Test
  void anOnDemandDynamoDbTableHasNoThroughput() {
    var table =
        AwsManifests.dynamoDbTable(
            "orders", List.of(), List.of(), "PAY_PER_REQUEST", 0L, 0L, Map.of());

    assertThat(table.path("spec").has("provisionedThroughput")).isFalse();
  }

  @Test
  void anSqsQueueKeepsOnlyDeclarableAttributesSoCountersCannotChurn() {
    var queue =
        AwsManifests.sqsQueue(
            "jobs",
            Map.of(
                "VisibilityTimeout", "30",
                "ApproximateNumberOfMessages", "17",
                "QueueArn", "arn:aws:sqs:us-east-1:000000000000:jobs",
                "LastModifiedTimestamp", "1700000000"),
            Map.of("env", "prod"));

    assertThat(queue.path("spec").toString())
        .isEqualTo("{\"attributes\":{\"VisibilityTimeout\":\"30\"},\"tags\":{\"env\":\"prod\"}}");
  }

  @Test
  void anIamRoleDecodesItsUrlEncodedTrustPolicyIntoAnObject() {
    String policy =
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\"}]}";
    var role =
        AwsManifests.iamRole(
            "deployer", URLEncoder.encode(policy, StandardCharsets.UTF_8), "CI", Map.of());

    assertThat(role.path("spec").path("assumeRolePolicyDocument").path("Version").asText())
        .isEqualTo("2012-10-17");
    assertThat(role.path("spec").path("description").asText()).isEqualTo("CI");
  }

  @Test
  void anIamRoleWithAPolicyThatIsNotJsonIsRejected() {
    assertThatThrownBy(() -> AwsManifests.iamRole("r", "not json", null, Map.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theQueueNameIsTheLastSegmentOfItsUrl() {
    assertThat(AwsManifests.queueName("http://127.0.0.1:9324/000000000000/jobs")).isEqualTo("jobs");
  }

  @Test
  void anObservationIsCanonicalKeyedInTheAwsGroupAndHashedAsEmitted() {
    Observation.Present p =
        AwsManifests.present("123:eu-west-1", AwsManifests.s3Bucket("logs", "Enabled", Map.of()));

    assertThat(p.key().toString()).isEqualTo("123:eu-west-1/aws.opsledger.dev/S3Bucket/_/logs");
    assertThat(p.contentHash()).isEqualTo(CanonicalJson.hash(p.live()));
  }
}
