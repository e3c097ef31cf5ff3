package dev.opsledger.testkit.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Bucket;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.ObjectVersion;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.Tag;

class S3EmulatorIT {

  private static S3Emulator emulator;
  private static S3Client s3;

  @BeforeAll
  static void start() {
    emulator = S3Emulator.start();
    s3 = emulator.newClient();
  }

  @AfterAll
  static void stop() {
    s3.close();
    emulator.close();
  }

  @Test
  void listensOnLoopback() {
    assertThat(emulator.endpoint().getHost()).isEqualTo("127.0.0.1");
    assertThat(emulator.endpoint().getPort()).isPositive();
  }

  @Test
  void createsListsAndDeletesBuckets() {
    s3.createBucket(b -> b.bucket("created-a"));
    s3.createBucket(b -> b.bucket("created-b"));

    assertThat(s3.listBuckets().buckets())
        .extracting(Bucket::name)
        .contains("created-a", "created-b");
    s3.headBucket(b -> b.bucket("created-a"));

    s3.deleteBucket(b -> b.bucket("created-a"));

    assertThat(s3.listBuckets().buckets())
        .extracting(Bucket::name)
        .contains("created-b")
        .doesNotContain("created-a");
    assertThatThrownBy(() -> s3.headBucket(b -> b.bucket("created-a")))
        .isInstanceOf(NoSuchBucketException.class);
  }

  @Test
  void turnsVersioningOnAndOff() {
    s3.createBucket(b -> b.bucket("versioned"));
    assertThat(s3.getBucketVersioning(b -> b.bucket("versioned")).status()).isNull();

    s3.putBucketVersioning(
        b ->
            b.bucket("versioned")
                .versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
    assertThat(s3.getBucketVersioning(b -> b.bucket("versioned")).status())
        .isEqualTo(BucketVersioningStatus.ENABLED);

    s3.putObject(b -> b.bucket("versioned").key("k"), RequestBody.fromString("one"));
    s3.putObject(b -> b.bucket("versioned").key("k"), RequestBody.fromString("two"));
    assertThat(s3.listObjectVersions(b -> b.bucket("versioned")).versions())
        .extracting(ObjectVersion::key)
        .containsExactly("k", "k");

    s3.putBucketVersioning(
        b ->
            b.bucket("versioned")
                .versioningConfiguration(v -> v.status(BucketVersioningStatus.SUSPENDED)));
    assertThat(s3.getBucketVersioning(b -> b.bucket("versioned")).status())
        .isEqualTo(BucketVersioningStatus.SUSPENDED);
  }

  @Test
  void storesObjectsWithTheSdksDefaultChecksums() {
    s3.createBucket(b -> b.bucket("objects"));

    s3.putObject(b -> b.bucket("objects").key("dir/a.txt"), RequestBody.fromString("hello"));

    assertThat(s3.getObjectAsBytes(b -> b.bucket("objects").key("dir/a.txt")).asUtf8String())
        .isEqualTo("hello");
    assertThat(s3.listObjectsV2(b -> b.bucket("objects")).contents())
        .extracting(o -> o.key())
        .containsExactly("dir/a.txt");
  }

  @Test
  void refusesToDeleteABucketThatIsNotEmpty() {
    s3.createBucket(b -> b.bucket("full"));
    s3.putObject(b -> b.bucket("full").key("k"), RequestBody.fromString("x"));

    assertThatThrownBy(() -> s3.deleteBucket(b -> b.bucket("full")))
        .isInstanceOfSatisfying(
            S3Exception.class,
            e -> {
              assertThat(e.statusCode()).isEqualTo(409);
              assertThat(e.awsErrorDetails().errorCode()).isEqualTo("BucketNotEmpty");
            });
  }

  @Test
  void doesNotEmulateBucketTagging() {
    s3.createBucket(b -> b.bucket("untaggable"));

    assertThatThrownBy(
            () ->
                s3.putBucketTagging(
                    b ->
                        b.bucket("untaggable")
                            .tagging(
                                t -> t.tagSet(Tag.builder().key("team").value("ops").build()))))
        .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(501));
  }

  @Test
  void checksSignatures() {
    try (S3Client wrongKey =
        emulator
            .clientBuilder()
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("other", "secret")))
            .build()) {
      assertThatThrownBy(wrongKey::listBuckets)
          .isInstanceOfSatisfying(
              S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(403));
    }
  }
}
