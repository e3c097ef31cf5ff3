/**
 * AWS-protocol emulators on loopback for integration tests ({@code *IT}): S3 ({@link
 * dev.opsledger.testkit.aws.S3Emulator}, s3proxy), SQS ({@link
 * dev.opsledger.testkit.aws.SqsEmulator}, ElasticMQ), DynamoDB ({@link
 * dev.opsledger.testkit.aws.DynamoDbEmulator}, dynalite as a Node child process) and IAM ({@link
 * dev.opsledger.testkit.aws.IamQueryApiFake}, a small stateful fake of the Query API), started
 * together by {@link dev.opsledger.testkit.aws.AwsEmulators}.
 *
 * <p>Invariants: every emulator listens on {@code 127.0.0.1} on a free port and speaks the wire
 * protocol that the real AWS SDK v2 client of {@link dev.opsledger.testkit.aws.AwsTestClients}
 * sends (region {@code us-east-1}, static fake credentials, endpoint override, path-style S3), so
 * the code under test runs unchanged against them. Each emulator holds its state in memory only and
 * loses it on {@code close()}. What each one does not emulate is said in its Javadoc; tests that
 * need those behaviours belong to an {@code *E2E} profile against real AWS.
 *
 * <p>Depend on this module in {@code test} scope only: it brings servers (s3proxy, ElasticMQ on
 * Pekko) that production code must never load.
 */
package dev.opsledger.testkit.aws;
