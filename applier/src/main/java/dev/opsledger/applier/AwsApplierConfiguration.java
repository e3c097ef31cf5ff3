package dev.opsledger.applier;

import dev.opsledger.applier.aws.AwsApplier;
import java.net.URI;
import java.time.Duration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Wires the AWS applier when {@code opsledger.applier.aws.enabled=true}: one SDK v2 client per
 * service, with the URL-connection HTTP client, the configured region, credentials and endpoints
 * (S3 path-style when an endpoint is set, as emulators need).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "opsledger.applier.aws.enabled", havingValue = "true")
public class AwsApplierConfiguration {

  /** The AWS applier. */
  @Bean(destroyMethod = "")
  public AwsApplier applierAws(ApplierProperties props) {
    ApplierProperties.Aws aws = props.aws();
    Duration timeout = aws.requestTimeout();
    String s3Endpoint = endpoint(aws.s3Endpoint(), aws);
    S3Client s3 =
        configure(S3Client.builder(), s3Endpoint, aws).forcePathStyle(s3Endpoint != null).build();
    DynamoDbClient dynamo =
        configure(DynamoDbClient.builder(), endpoint(aws.dynamodbEndpoint(), aws), aws).build();
    SqsClient sqs = configure(SqsClient.builder(), endpoint(aws.sqsEndpoint(), aws), aws).build();
    String iamEndpoint = endpoint(aws.iamEndpoint(), aws);
    IamClient iam =
        configure(IamClient.builder(), iamEndpoint, aws)
            .region(iamEndpoint == null ? Region.AWS_GLOBAL : region(aws))
            .build();
    return new AwsApplier(aws.target(), s3, dynamo, sqs, iam, timeout);
  }

  private static <B extends AwsClientBuilder<B, C>, C> B configure(
      B builder, String endpoint, ApplierProperties.Aws aws) {
    builder
        .region(region(aws))
        .credentialsProvider(credentials(aws))
        .overrideConfiguration(
            ClientOverrideConfiguration.builder().apiCallTimeout(aws.requestTimeout()).build());
    if (endpoint != null) {
      builder.endpointOverride(URI.create(endpoint));
    }
    if (builder
        instanceof software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder<?, ?> sync) {
      sync.httpClientBuilder(
          UrlConnectionHttpClient.builder()
              .connectionTimeout(min(aws.requestTimeout(), Duration.ofSeconds(10)))
              .socketTimeout(aws.requestTimeout()));
    }
    return builder;
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) < 0 ? a : b;
  }

  private static String endpoint(String specific, ApplierProperties.Aws aws) {
    if (specific != null && !specific.isBlank()) {
      return specific;
    }
    return aws.endpoint() == null || aws.endpoint().isBlank() ? null : aws.endpoint();
  }

  private static Region region(ApplierProperties.Aws aws) {
    if (aws.region() != null && !aws.region().isBlank()) {
      return Region.of(aws.region());
    }
    String target = aws.target();
    int colon = target.indexOf(':');
    return Region.of(colon < 0 ? target : target.substring(colon + 1));
  }

  private static AwsCredentialsProvider credentials(ApplierProperties.Aws aws) {
    if (aws.accessKeyId() != null && !aws.accessKeyId().isBlank()) {
      return StaticCredentialsProvider.create(
          AwsBasicCredentials.create(aws.accessKeyId(), aws.secretAccessKey()));
    }
    return DefaultCredentialsProvider.builder().build();
  }
}
