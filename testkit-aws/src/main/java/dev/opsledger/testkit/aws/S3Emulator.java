package dev.opsledger.testkit.aws;

import java.net.URI;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * S3 on loopback: <a href="https://github.com/gaul/s3proxy">s3proxy</a> in this JVM over its
 * in-memory {@code TransientNio2BlobStore} (a Jimfs file system), checking AWS V2/V4 signatures
 * made with {@link AwsTestClients}' fake key pair.
 *
 * <pre>{@code
 * try (S3Emulator s3 = S3Emulator.start(); S3Client client = s3.newClient()) {
 *   client.createBucket(b -> b.bucket("logs"));
 * }
 * }</pre>
 *
 * <p>Emulated: list, create, head and delete buckets ({@code BucketAlreadyOwnedByYou}, {@code
 * BucketNotEmpty}, {@code NoSuchBucket} as S3 answers them); bucket versioning ({@code Enabled},
 * {@code Suspended}) and object versions; objects (put with the SDK's default checksums, get, head,
 * list, copy, delete, multipart); canned bucket and object ACLs; default bucket encryption. {@code
 * S3EmulatorIT} covers buckets, versioning, objects and the signature check.
 *
 * <p>Not emulated (s3proxy 4.1.0 answers {@code 501 NotImplemented}): bucket tagging and object
 * tagging ({@code Get/Put/DeleteBucketTagging}, {@code PutObjectTagging}), {@code PutBucketPolicy}
 * ({@code GetBucketPolicy} always answers {@code 404 NoSuchBucketPolicy}), lifecycle, CORS through
 * the API, public access blocks, ownership controls, and likewise replication, object lock,
 * notifications, logging and website configuration. Buckets have no region: a {@code
 * LocationConstraint} is accepted and dropped, {@code GetBucketLocation} answers {@code us-east-1}
 * (empty) for every bucket. Only path-style addressing works ({@code forcePathStyle(true)}). Cover
 * those with real S3 in an {@code *E2E} profile.
 */
public final class S3Emulator implements AwsEmulator {

  private final S3Proxy proxy;
  private final BlobStore blobStore;
  private final URI endpoint;
  private boolean closed;

  private S3Emulator(S3Proxy proxy, BlobStore blobStore, URI endpoint) {
    this.proxy = proxy;
    this.blobStore = blobStore;
    this.endpoint = endpoint;
  }

  /** Starts s3proxy on {@code 127.0.0.1} on a free port, with no buckets. */
  public static S3Emulator start() {
    BlobStore blobStore = new TransientNio2BlobStore();
    S3Proxy proxy =
        S3Proxy.builder()
            .blobStore(blobStore)
            .endpoint(URI.create("http://" + Loopback.HOST + ":0"))
            .awsAuthentication(
                AuthenticationType.AWS_V2_OR_V4,
                AwsTestClients.ACCESS_KEY_ID,
                AwsTestClients.SECRET_ACCESS_KEY)
            .jettyMaxThreads(32)
            // Jetty's graceful stop would otherwise wait 30 s for idle keep-alive connections.
            .stopTimeout(1_000)
            .build();
    try {
      proxy.start();
    } catch (Exception e) {
      blobStore.close();
      throw new IllegalStateException("s3proxy did not start", e);
    }
    return new S3Emulator(proxy, blobStore, Loopback.uri(proxy.getPort()));
  }

  @Override
  public URI endpoint() {
    return endpoint;
  }

  /** A builder with region, fake credentials, the endpoint and path-style access already set. */
  public S3ClientBuilder clientBuilder() {
    return AwsTestClients.configure(S3Client.builder(), endpoint).forcePathStyle(true);
  }

  /** A new client from {@link #clientBuilder()}; the caller closes it. */
  public S3Client newClient() {
    return clientBuilder().build();
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      proxy.stop();
    } catch (Exception e) {
      throw new IllegalStateException("s3proxy did not stop", e);
    } finally {
      blobStore.close();
    }
  }
}
