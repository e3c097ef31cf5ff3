/**
 * AWS edge: OpsLedger's AWS kinds ({@code S3Bucket}, {@code DynamoDBTable}, {@code SQSQueue},
 * {@code IAMRole}) converged through the AWS SDK v2.
 *
 * <p>Invariants: every apply reads before it writes and writes only what differs (idempotent; a dry
 * run reads only); a non-empty bucket is never deleted unless its manifest sets {@code
 * spec.forceDelete: true}; a DynamoDB key-schema change is terminal {@code NeedsReplace}; SDK
 * errors are returned as {@code Failed}, never thrown.
 */
package dev.opsledger.applier.aws;
