package dev.opsledger.applier.aws;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opsledger.applier.apply.Outcome;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.Tag;

/**
 * {@code S3Bucket}: create, versioning ({@code spec.versioning}: Enabled/Suspended), tags (the
 * whole tag set when {@code spec.tags} is given). Delete only an empty bucket, unless {@code
 * spec.forceDelete: true}, which deletes every object version first.
 */
final class S3BucketKind implements AwsKind {

  private final S3Client s3;

  S3BucketKind(S3Client s3) {
    this.s3 = s3;
  }

  @Override
  public String kind() {
    return "S3Bucket";
  }

  @Override
  public Plan plan(String name, JsonNode spec) {
    String versioning = spec.path("versioning").asText(null);
    boolean hasTags = spec.has("tags");
    Map<String, String> tags = AwsKind.tags(spec);
    if (!exists(name)) {
      Plan plan = Plan.create().then(() -> s3.createBucket(b -> b.bucket(name)));
      if (versioning != null) {
        plan.then(() -> putVersioning(name, versioning));
      }
      if (hasTags && !tags.isEmpty()) {
        plan.then(() -> putTags(name, tags));
      }
      return plan;
    }
    Plan plan = Plan.update();
    if (versioning != null) {
      BucketVersioningStatus live = s3.getBucketVersioning(b -> b.bucket(name)).status();
      String liveText = live == null ? "" : live.toString();
      if (!versioning.equals(liveText)) {
        plan.then(() -> putVersioning(name, versioning));
      }
    }
    if (hasTags && !tags.equals(liveTags(name))) {
      plan.then(() -> putTags(name, tags));
    }
    return plan;
  }

  @Override
  public Outcome delete(String name, JsonNode spec, boolean dryRun) {
    if (!exists(name)) {
      return new Outcome.Unchanged();
    }
    boolean force = spec.path("forceDelete").asBoolean(false);
    ListObjectVersionsResponse first = s3.listObjectVersions(b -> b.bucket(name).maxKeys(1));
    boolean empty = first.versions().isEmpty() && first.deleteMarkers().isEmpty();
    if (!empty && !force) {
      return Outcome.terminal(
          "BucketNotEmpty",
          "bucket "
              + name
              + " is not empty: it is deleted only when its manifest sets"
              + " spec.forceDelete: true",
          409);
    }
    if (!dryRun) {
      if (!empty) {
        emptyBucket(name);
      }
      s3.deleteBucket(b -> b.bucket(name));
    }
    return new Outcome.Deleted();
  }

  private boolean exists(String name) {
    try {
      s3.headBucket(b -> b.bucket(name));
      return true;
    } catch (NoSuchBucketException e) {
      return false;
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return false;
      }
      throw e;
    }
  }

  private void putVersioning(String name, String status) {
    s3.putBucketVersioning(b -> b.bucket(name).versioningConfiguration(v -> v.status(status)));
  }

  private void putTags(String name, Map<String, String> tags) {
    List<Tag> set =
        tags.entrySet().stream()
            .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build())
            .toList();
    s3.putBucketTagging(b -> b.bucket(name).tagging(t -> t.tagSet(set)));
  }

  private Map<String, String> liveTags(String name) {
    Map<String, String> live = new TreeMap<>();
    try {
      s3.getBucketTagging(b -> b.bucket(name)).tagSet().forEach(t -> live.put(t.key(), t.value()));
    } catch (S3Exception e) {
      if (e.awsErrorDetails() == null || !"NoSuchTagSet".equals(e.awsErrorDetails().errorCode())) {
        throw e;
      }
    }
    return live;
  }

  private void emptyBucket(String name) {
    while (true) {
      ListObjectVersionsResponse page = s3.listObjectVersions(b -> b.bucket(name).maxKeys(1000));
      List<ObjectIdentifier> ids = new java.util.ArrayList<>();
      page.versions()
          .forEach(
              v ->
                  ids.add(
                      ObjectIdentifier.builder().key(v.key()).versionId(v.versionId()).build()));
      page.deleteMarkers()
          .forEach(
              v ->
                  ids.add(
                      ObjectIdentifier.builder().key(v.key()).versionId(v.versionId()).build()));
      if (ids.isEmpty()) {
        return;
      }
      for (ObjectIdentifier id : ids) {
        // One by one: DeleteObjects needs a Content-MD5 some S3-compatible stores check strictly.
        s3.deleteObject(b -> b.bucket(name).key(id.key()).versionId(id.versionId()));
      }
      if (!Boolean.TRUE.equals(page.isTruncated()) && ids.size() < 1000) {
        return;
      }
    }
  }
}
