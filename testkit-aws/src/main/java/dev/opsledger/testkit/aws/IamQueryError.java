package dev.opsledger.testkit.aws;

/**
 * An IAM error as the Query API returns it: an error code, the HTTP status IAM documents for it,
 * and whether the sender or the service is at fault.
 */
final class IamQueryError extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String code;
  private final int status;

  private IamQueryError(String code, int status, String message) {
    super(message, null, false, false);
    this.code = code;
    this.status = status;
  }

  static IamQueryError noSuchRole(String roleName) {
    return new IamQueryError(
        "NoSuchEntity", 404, "The role with name " + roleName + " cannot be found.");
  }

  static IamQueryError roleExists(String roleName) {
    return new IamQueryError(
        "EntityAlreadyExists", 409, "Role with name " + roleName + " already exists.");
  }

  static IamQueryError limitExceeded(String message) {
    return new IamQueryError("LimitExceeded", 409, message);
  }

  static IamQueryError malformedPolicy(String message) {
    return new IamQueryError("MalformedPolicyDocument", 400, message);
  }

  static IamQueryError invalidInput(String message) {
    return new IamQueryError("InvalidInput", 400, message);
  }

  /** A parameter that breaks a constraint of the API model, in IAM's wording. */
  static IamQueryError validation(String parameter, Object value, String constraint) {
    String shown = value == null ? "null" : "'" + value + "'";
    return new IamQueryError(
        "ValidationError",
        400,
        "1 validation error detected: Value "
            + shown
            + " at '"
            + parameter
            + "' failed to satisfy constraint: Member "
            + constraint);
  }

  static IamQueryError invalidAction(String action) {
    return new IamQueryError(
        "InvalidAction", 400, "Could not find operation " + action + " for version 2010-05-08");
  }

  String code() {
    return code;
  }

  int status() {
    return status;
  }

  /** {@code Sender} for 4xx, {@code Receiver} for 5xx, as in IAM's error envelope. */
  String type() {
    return status >= 500 ? "Receiver" : "Sender";
  }
}
