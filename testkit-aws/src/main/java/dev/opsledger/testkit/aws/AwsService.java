package dev.opsledger.testkit.aws;

/** The AWS services that {@link AwsEmulators} can stand in for. */
public enum AwsService {
  /** {@link S3Emulator}, s3proxy. */
  S3,
  /** {@link SqsEmulator}, ElasticMQ. */
  SQS,
  /** {@link DynamoDbEmulator}, dynalite. */
  DYNAMODB,
  /** {@link IamQueryApiFake}. */
  IAM
}
