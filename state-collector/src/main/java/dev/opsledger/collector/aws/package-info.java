/**
 * The AWS edge: polls S3 buckets, DynamoDB tables, SQS queues and IAM roles per target (account +
 * region) with the AWS SDK v2 and reports each as a manifest-shaped object of {@code
 * aws.opsledger.dev/v1}, so the differ compares like with like.
 *
 * <p>Role: one {@link dev.opsledger.collector.aws.AwsKindReader} per kind reads and maps ({@link
 * dev.opsledger.collector.aws.AwsManifests} is the pure mapping); {@link
 * dev.opsledger.collector.aws.AwsTargetPoller} turns one poll into observations, including the
 * resources that disappeared; {@link dev.opsledger.collector.aws.AwsCollector} schedules the polls.
 *
 * <p>Invariants: a manifest's {@code spec} has exactly the fields the git-watcher accepts for the
 * kind (read-only attributes such as queue counters are never included, so they cannot churn); a
 * failed call becomes an {@code ObservationFailed} for that resource or kind and never an absence;
 * throttled calls are retried with exponential backoff before they count as failed.
 */
package dev.opsledger.collector.aws;
