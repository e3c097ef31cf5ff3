package dev.opsledger.sandbox.kubernetes;

import io.fabric8.mockwebserver.http.MockResponse;
import tools.jackson.databind.node.ObjectNode;

/**
 * A request the emulator refuses, answered as a Kubernetes {@code Status} object (what kubectl
 * prints after "Error from server").
 */
final class ApiException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int code;
  private final String reason;

  /**
   * @param code HTTP status code
   * @param reason the {@code Status.reason}, e.g. {@code NotFound}, {@code UnsupportedMediaType}
   * @param message human-readable message
   */
  ApiException(int code, String reason, String message) {
    super(message);
    this.code = code;
    this.reason = reason;
  }

  int code() {
    return code;
  }

  MockResponse toResponse() {
    return status(code, reason, getMessage());
  }

  /** A {@code Status} response with this code, reason and message. */
  static MockResponse status(int code, String reason, String message) {
    ObjectNode status = Json.object();
    status.put("kind", "Status");
    status.put("apiVersion", "v1");
    status.putObject("metadata");
    status.put("status", "Failure");
    status.put("message", message);
    status.put("reason", reason);
    status.put("code", code);
    return new MockResponse().setResponseCode(code).setBody(status.toString());
  }
}
