package dev.opsledger.events;

import java.util.Set;

/**
 * OpsLedger's AWS resource kinds, as declared in Git and as observed: the git-watcher validates
 * manifests against them, the state-collector writes observations in the same shape, so the differ
 * compares like with like.
 */
public final class AwsKinds {

  /** The {@code apiVersion} of every AWS kind. */
  public static final String API_VERSION = ResourceKey.AWS_GROUP + "/v1";

  /** The kinds. */
  public static final Set<String> KINDS =
      Set.of("S3Bucket", "DynamoDBTable", "SQSQueue", "IAMRole");

  /**
   * The SQS queue attributes a manifest may declare (and the collector reports); read-only ones
   * such as counters and the ARN are not among them.
   */
  public static final Set<String> SQS_ATTRIBUTES =
      Set.of(
          "DelaySeconds",
          "MaximumMessageSize",
          "MessageRetentionPeriod",
          "ReceiveMessageWaitTimeSeconds",
          "VisibilityTimeout",
          "Policy",
          "RedrivePolicy",
          "RedriveAllowPolicy",
          "FifoQueue",
          "ContentBasedDeduplication",
          "DeduplicationScope",
          "FifoThroughputLimit",
          "KmsMasterKeyId",
          "KmsDataKeyReusePeriodSeconds",
          "SqsManagedSseEnabled");

  private AwsKinds() {}
}
