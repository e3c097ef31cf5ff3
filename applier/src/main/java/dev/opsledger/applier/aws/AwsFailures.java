package dev.opsledger.applier.aws;

import dev.opsledger.applier.apply.Failure;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Classifies AWS SDK errors. {@link #classify(int, String, String)} is pure.
 *
 * <ul>
 *   <li>retryable: no response ({@code Unreachable}); throttling codes and 429 ({@code Throttled});
 *       a resource busy with a previous change ({@code ResourceInUseException}, {@code
 *       OperationAborted}, {@code ConcurrentModification}: {@code Busy}); 403 ({@code Forbidden}:
 *       permissions may be granted later); 5xx except 501 ({@code ServerError});
 *   <li>terminal: validation errors and every other 4xx ({@code Invalid} or the AWS error code);
 *       501 ({@code NotImplemented}).
 * </ul>
 */
public final class AwsFailures {

  private static final Set<String> THROTTLING =
      Set.of(
          "Throttling",
          "ThrottlingException",
          "ThrottledException",
          "RequestLimitExceeded",
          "ProvisionedThroughputExceededException",
          "SlowDown",
          "TooManyRequestsException",
          "RequestThrottled");
  private static final Set<String> BUSY =
      Set.of(
          "ResourceInUseException",
          "OperationAborted",
          "ConcurrentModification",
          "ConcurrentModificationException",
          "LimitExceededException");
  private static final Set<String> INVALID =
      Set.of(
          "ValidationError",
          "ValidationException",
          "InvalidParameterValue",
          "InvalidParameterValueException",
          "InvalidAttributeValue",
          "InvalidAttributeName",
          "MalformedPolicyDocument",
          "MalformedXML",
          "InvalidArgument",
          "InvalidBucketName");

  private AwsFailures() {}

  /** The failure of an SDK call. */
  public static Failure of(SdkException e) {
    if (e instanceof AwsServiceException s) {
      String code = s.awsErrorDetails() == null ? null : s.awsErrorDetails().errorCode();
      String message =
          s.awsErrorDetails() == null ? s.getMessage() : s.awsErrorDetails().errorMessage();
      return classify(s.statusCode(), code, message == null ? String.valueOf(code) : message);
    }
    if (e instanceof SdkClientException) {
      return new Failure.Retryable("Unreachable", String.valueOf(e.getMessage()), null);
    }
    return new Failure.Retryable("Unreachable", String.valueOf(e.getMessage()), null);
  }

  /**
   * The failure of a call that got an answer.
   *
   * @param status the HTTP status
   * @param code the AWS error code, may be {@code null}
   * @param message the AWS error message
   */
  public static Failure classify(int status, String code, String message) {
    Integer http = status == 0 ? null : status;
    if (status == 0) {
      return new Failure.Retryable("Unreachable", message, null);
    }
    if (code != null && THROTTLING.contains(code) || status == 429) {
      return new Failure.Retryable("Throttled", message, http);
    }
    if (code != null && BUSY.contains(code)) {
      return new Failure.Retryable("Busy", message, http);
    }
    if (status == 501) {
      return new Failure.Terminal("NotImplemented", message, http);
    }
    if (status >= 500) {
      return new Failure.Retryable("ServerError", message, http);
    }
    if (status == 403) {
      return new Failure.Retryable("Forbidden", message, http);
    }
    if (code != null && INVALID.contains(code)) {
      return new Failure.Terminal("Invalid", message, http);
    }
    return new Failure.Terminal(code == null ? "Rejected" : code, message, http);
  }
}
