package dev.opsledger.testkit.aws;

import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.regions.Region;

/**
 * What every emulator's SDK client is configured with: region, fake credentials, account id and the
 * endpoint override. Use it to point a client that the code under test builds itself (an async
 * client, a Spring bean) at an emulator.
 *
 * <pre>{@code
 * S3AsyncClient s3 = AwsTestClients.configure(S3AsyncClient.builder(), emulator.endpoint())
 *     .forcePathStyle(true).build();
 * }</pre>
 */
public final class AwsTestClients {

  /** The region every emulator answers for. */
  public static final Region REGION = Region.US_EAST_1;

  /** The account id in the ARNs and queue URLs that the emulators hand out. */
  public static final String ACCOUNT_ID = "000000000000";

  /** The fake access key id; s3proxy checks signatures made with it, the others do not. */
  public static final String ACCESS_KEY_ID = "opsledger-test";

  /** The fake secret access key that goes with {@link #ACCESS_KEY_ID}. */
  public static final String SECRET_ACCESS_KEY = "opsledger-test-secret";

  private AwsTestClients() {}

  /** Static credentials with the fake key pair; never the default provider chain. */
  public static AwsCredentialsProvider credentials() {
    return StaticCredentialsProvider.create(
        AwsBasicCredentials.create(ACCESS_KEY_ID, SECRET_ACCESS_KEY));
  }

  /**
   * Sets region, fake credentials and the endpoint override on any SDK v2 client builder. S3
   * builders need {@code forcePathStyle(true)} on top: the emulators serve no virtual hosts.
   */
  public static <B extends AwsClientBuilder<B, C>, C> B configure(B builder, URI endpoint) {
    return builder.region(REGION).credentialsProvider(credentials()).endpointOverride(endpoint);
  }
}
