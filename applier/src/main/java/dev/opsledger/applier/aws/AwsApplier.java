package dev.opsledger.applier.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.opsledger.applier.apply.ApplyRequest;
import dev.opsledger.applier.apply.DeleteRequest;
import dev.opsledger.applier.apply.Outcome;
import dev.opsledger.applier.apply.ResourceApplier;
import dev.opsledger.events.ResourceKey;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Applies OpsLedger's AWS kinds ({@code aws.opsledger.dev/v1}) of one account and region (one
 * {@code target}) through the AWS SDK v2. Each apply reads the live resource, plans the writes that
 * converge it, and runs them unless it is a dry run: idempotent, and the outcome says whether
 * anything changed. SDK errors become {@code Failed} ({@link AwsFailures}).
 */
public final class AwsApplier implements ResourceApplier {

  private final String target;
  private final Map<String, AwsKind> kinds = new LinkedHashMap<>();

  /** An applier over these clients. */
  public AwsApplier(
      String target,
      S3Client s3,
      DynamoDbClient dynamo,
      SqsClient sqs,
      IamClient iam,
      Duration tableActiveTimeout) {
    this.target = target;
    for (AwsKind k :
        List.of(
            new S3BucketKind(s3),
            new DynamoDbTableKind(dynamo, tableActiveTimeout),
            new SqsQueueKind(sqs),
            new IamRoleKind(iam))) {
      kinds.put(k.kind(), k);
    }
  }

  @Override
  public boolean handles(ResourceKey resource) {
    return resource.aws() && target.equals(resource.target());
  }

  @Override
  public Outcome apply(ApplyRequest request) {
    AwsKind kind = kinds.get(request.resource().kind());
    if (kind == null) {
      return unknownKind(request.resource());
    }
    try {
      return kind.plan(request.resource().name(), request.manifest().path("spec"))
          .run(request.dryRun());
    } catch (DynamoDbTableKind.NeedsReplace e) {
      return Outcome.terminal("NeedsReplace", e.getMessage(), null);
    } catch (SdkException e) {
      return new Outcome.Failed(AwsFailures.of(e));
    }
  }

  /**
   * Deletes by name. AWS resources have no uid ({@link DeleteRequest#observedUid()} is always
   * {@code null} for them) and their APIs no delete precondition, so an AWS prune keeps the
   * behaviour it always had: what exists under the name is deleted.
   */
  @Override
  public Outcome delete(DeleteRequest request) {
    AwsKind kind = kinds.get(request.resource().kind());
    if (kind == null) {
      return unknownKind(request.resource());
    }
    JsonNode spec =
        request.lastManifest() == null
            ? MissingNode.getInstance()
            : request.lastManifest().path("spec");
    try {
      return kind.delete(request.resource().name(), spec, request.dryRun());
    } catch (SdkException e) {
      return new Outcome.Failed(AwsFailures.of(e));
    }
  }

  private Outcome unknownKind(ResourceKey key) {
    return Outcome.terminal(
        "UnknownKind",
        "no AWS kind " + key.kind() + " (known: " + String.join(", ", kinds.keySet()) + ")",
        null);
  }
}
