package dev.opsledger.sandbox.kubernetes;

import java.util.Set;

/**
 * The request body types the emulator reads, and the guard that refuses the others with 415.
 *
 * <p>Why the guard: typed clients (kubectl {@code create deployment}, client-go) send protobuf,
 * whose body starts with the magic {@code k8s\0}; fabric8's CRUD mock would parse it as YAML and
 * never answer. A 415 makes the client fail fast, or fall back to JSON where it can.
 */
final class MediaTypes {

  static final String JSON = "application/json";
  static final String YAML = "application/yaml";
  static final String APPLY_PATCH_YAML = "application/apply-patch+yaml";
  static final String MERGE_PATCH = "application/merge-patch+json";
  static final String STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json";
  static final String JSON_PATCH = "application/json-patch+json";

  private static final Set<String> OBJECT_TYPES = Set.of("", JSON, YAML, "application/x-yaml");
  private static final Set<String> PATCH_TYPES =
      Set.of(APPLY_PATCH_YAML, MERGE_PATCH, STRATEGIC_MERGE_PATCH, JSON_PATCH);

  private static final byte[] PROTOBUF_MAGIC = {'k', '8', 's', 0};

  private MediaTypes() {}

  /**
   * Refuses a body the emulator cannot read: protobuf (by its magic bytes, whatever the header
   * says), CBOR, or any type other than JSON/YAML for POST/PUT and the four patch types for PATCH.
   *
   * @throws ApiException 415 Unsupported Media Type
   */
  static void requireReadable(ApiRequest request) {
    if (startsWithProtobufMagic(request.body())) {
      throw unsupported(request, "a protobuf body");
    }
    boolean readable =
        switch (request.method()) {
          case PATCH -> PATCH_TYPES.contains(request.contentType());
          case POST, PUT -> OBJECT_TYPES.contains(request.contentType());
          default -> true;
        };
    if (!readable) {
      throw unsupported(request, "\"" + request.contentType() + "\"");
    }
  }

  /** Whether the body is YAML rather than JSON. */
  static boolean isYaml(String contentType) {
    return contentType.equals(YAML)
        || contentType.equals("application/x-yaml")
        || contentType.equals(APPLY_PATCH_YAML);
  }

  private static boolean startsWithProtobufMagic(byte[] body) {
    if (body.length < PROTOBUF_MAGIC.length) {
      return false;
    }
    for (int i = 0; i < PROTOBUF_MAGIC.length; i++) {
      if (body[i] != PROTOBUF_MAGIC[i]) {
        return false;
      }
    }
    return true;
  }

  private static ApiException unsupported(ApiRequest request, String what) {
    String accepted =
        request.method() == io.fabric8.mockwebserver.dsl.HttpMethod.PATCH
            ? String.join(", ", PATCH_TYPES)
            : "application/json, application/yaml";
    return new ApiException(
        415,
        "UnsupportedMediaType",
        "the OpsLedger Kubernetes emulator cannot read "
            + what
            + " for "
            + request.method()
            + "; supported media types: "
            + accepted);
  }
}
