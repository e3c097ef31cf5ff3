package dev.opsledger.collector.aws;

import dev.opsledger.collector.StateCollectorProperties.AwsTarget;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/** Builds the readers of one AWS target from its configuration. */
public final class AwsClients {

  private AwsClients() {}

  /** The credentials of {@code target}: its named profile, else the default provider chain. */
  public static AwsCredentialsProvider credentials(AwsTarget target) {
    return target.profile() == null || target.profile().isBlank()
        ? DefaultCredentialsProvider.builder().build()
        : ProfileCredentialsProvider.create(target.profile());
  }

  /** One reader per service the target polls, with the given credentials. */
  public static List<AwsKindReader> readers(
      AwsTarget target, AwsCredentialsProvider credentials, Throttling throttling) {
    Region region = Region.of(target.region());
    List<AwsKindReader> readers = new ArrayList<>();
    for (String service : target.services()) {
      switch (service.toLowerCase(Locale.ROOT)) {
        case "s3" -> {
          var builder =
              configure(S3Client.builder(), target, "s3", region, credentials)
                  // Emulators and VPC endpoints address buckets by path.
                  .forcePathStyle(target.endpoints().containsKey("s3"));
          readers.add(new S3BucketReader(builder.build(), target.region(), throttling));
        }
        case "dynamodb" ->
            readers.add(
                new DynamoDbTableReader(
                    configure(DynamoDbClient.builder(), target, "dynamodb", region, credentials)
                        .build(),
                    throttling));
        case "sqs" ->
            readers.add(
                new SqsQueueReader(
                    configure(SqsClient.builder(), target, "sqs", region, credentials).build(),
                    throttling));
        case "iam" ->
            readers.add(
                new IamRoleReader(
                    // IAM is global; its endpoint signs in us-east-1 (aws-global).
                    configure(
                            IamClient.builder(),
                            target,
                            "iam",
                            target.endpoints().containsKey("iam") ? region : Region.AWS_GLOBAL,
                            credentials)
                        .build(),
                    throttling));
        default ->
            throw new IllegalArgumentException(
                "AWS target "
                    + target.name()
                    + ": unknown service '"
                    + service
                    + "' (known: s3, sqs, dynamodb, iam)");
      }
    }
    return readers;
  }

  private static <B extends AwsClientBuilder<B, C>, C> B configure(
      B builder, AwsTarget target, String service, Region region, AwsCredentialsProvider creds) {
    builder.region(region).credentialsProvider(creds);
    URI endpoint = target.endpoints().get(service);
    if (endpoint != null) {
      builder.endpointOverride(endpoint);
    }
    return builder;
  }
}
