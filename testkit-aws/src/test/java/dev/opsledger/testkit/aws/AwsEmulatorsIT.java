package dev.opsledger.testkit.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

class AwsEmulatorsIT {

  @RegisterExtension static final AwsEmulators aws = AwsEmulators.all();

  @Test
  void startsAllFourForTheTestClass() {
    assertThat(aws.endpoints()).containsOnlyKeys(AwsService.values());
    assertThat(aws.endpoints().values()).extracting(URI::getHost).containsOnly("127.0.0.1");
    assertThat(aws.endpoints().values()).extracting(URI::getPort).doesNotHaveDuplicates();
  }

  @Test
  void servesEachServiceToItsSdkClient() {
    try (S3Client s3 = aws.s3().newClient();
        SqsClient sqs = aws.sqs().newClient();
        DynamoDbClient dynamo = aws.dynamoDb().newClient();
        IamClient iam = aws.iam().newClient()) {
      assertThat(s3.listBuckets().buckets()).isEmpty();
      assertThat(sqs.listQueues().queueUrls()).isEmpty();
      assertThat(dynamo.listTables().tableNames()).isEmpty();
      assertThat(iam.listRoles().roles()).isEmpty();
    }
  }

  @Test
  void startsAChosenSubsetByHand() {
    try (AwsEmulators iamOnly = AwsEmulators.of(AwsService.IAM).start();
        IamClient iam = iamOnly.iam().newClient()) {
      assertThat(iam.listRoles().roles()).isEmpty();
      assertThat(iamOnly.endpoints()).containsOnlyKeys(AwsService.IAM);
      assertThatThrownBy(iamOnly::s3)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("S3 was not chosen");
    }
  }

  @Test
  void refusesAccessBeforeStart() {
    AwsEmulators notStarted = AwsEmulators.of(AwsService.SQS);

    assertThatThrownBy(notStarted::sqs)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not running");
  }
}
