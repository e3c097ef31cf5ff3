package dev.opsledger.collector.aws;

import dev.opsledger.collector.observe.FailureReason;
import dev.opsledger.collector.observe.Observation;
import dev.opsledger.events.ResourceKey;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/** Turns what the SDK throws into a failed observation. */
final class AwsFailures {

  private AwsFailures() {}

  /**
   * The failure of {@code key}. The message is the service's error code and message only: the
   * request id changes with every call and would make every poll look like a new failure.
   */
  static Observation.Failed failed(ResourceKey key, Throwable error) {
    if (error instanceof Throttling.ThrottledException) {
      return new Observation.Failed(key, FailureReason.THROTTLED, error.getMessage(), 429, true);
    }
    if (error instanceof AwsServiceException e) {
      String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
      String message = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorMessage();
      String text = (code == null ? "" : code + ": ") + (message == null ? "" : message);
      FailureReason reason;
      if (e.isThrottlingException()) {
        reason = FailureReason.THROTTLED;
      } else if (e.statusCode() == 401 || e.statusCode() == 403) {
        reason = FailureReason.FORBIDDEN;
      } else {
        reason = FailureReason.ERROR;
      }
      return new Observation.Failed(key, reason, text, e.statusCode(), true);
    }
    if (error instanceof SdkClientException) {
      return new Observation.Failed(
          key, FailureReason.UNREACHABLE, firstLine(error.getMessage()), null, true);
    }
    if (error instanceof IllegalArgumentException) {
      return new Observation.Failed(
          key, FailureReason.UNSERIALIZABLE, firstLine(error.getMessage()), null, false);
    }
    return new Observation.Failed(
        key, FailureReason.ERROR, firstLine(error.toString()), null, true);
  }

  private static String firstLine(String text) {
    if (text == null) {
      return "";
    }
    int nl = text.indexOf('\n');
    return nl < 0 ? text : text.substring(0, nl);
  }
}
