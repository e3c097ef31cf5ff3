package dev.opsledger.collector.aws;

import dev.opsledger.collector.observe.Observation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Bucket;
import software.amazon.awssdk.services.s3.model.ListBucketsRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.Tag;

/** S3 buckets of the target's region: versioning and tags (where the endpoint supports tagging). */
final class S3BucketReader implements AwsKindReader {

  private final S3Client s3;
  private final String region;
  private final Throttling throttling;

  S3BucketReader(S3Client s3, String region, Throttling throttling) {
    this.s3 = s3;
    this.region = region;
    this.throttling = throttling;
  }

  @Override
  public String kind() {
    return "S3Bucket";
  }

  @Override
  public List<Observation> read(String target) {
    List<Bucket> buckets = new ArrayList<>();
    throttling
        .call(
            "ListBuckets",
            () ->
                s3
                    .listBucketsPaginator(ListBucketsRequest.builder().bucketRegion(region).build())
                    .buckets()
                    .stream()
                    .toList())
        .forEach(buckets::add);
    List<Observation> out = new ArrayList<>(buckets.size());
    for (Bucket bucket : buckets) {
      String name = bucket.name();
      try {
        String versioning =
            throttling.call(
                "GetBucketVersioning",
                () -> s3.getBucketVersioning(b -> b.bucket(name)).statusAsString());
        out.add(AwsManifests.present(target, AwsManifests.s3Bucket(name, versioning, tags(name))));
      } catch (RuntimeException e) {
        out.add(AwsFailures.failed(AwsManifests.key(target, kind(), name), e));
      }
    }
    return out;
  }

  /** The bucket's tags; empty when it has none; {@code null} when the endpoint has no tagging. */
  private Map<String, String> tags(String bucket) {
    try {
      Map<String, String> tags = new LinkedHashMap<>();
      for (Tag t :
          throttling.call(
              "GetBucketTagging", () -> s3.getBucketTagging(b -> b.bucket(bucket)).tagSet())) {
        tags.put(t.key(), t.value());
      }
      return tags;
    } catch (S3Exception e) {
      String code = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode();
      if ("NoSuchTagSet".equals(code)) {
        return Map.of();
      }
      if ("NotImplemented".equals(code) || e.statusCode() == 501) {
        return null;
      }
      throw e;
    }
  }

  @Override
  public void close() {
    s3.close();
  }
}
