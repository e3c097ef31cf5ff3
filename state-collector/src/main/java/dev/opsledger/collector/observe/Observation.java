package dev.opsledger.collector.observe;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsledger.collector.health.Health;
import dev.opsledger.events.ResourceKey;

/** What an edge saw of one resource (or, for a failure, of a whole kind). */
public sealed interface Observation {

  /** The resource. */
  ResourceKey key();

  /**
   * The resource exists.
   *
   * @param key the resource
   * @param resourceVersion the API's version of the object, empty when the API has none
   * @param live the projected object ({@link LiveProjection}): canonical, secrets hashed
   * @param contentHash the hash of {@code live}
   * @param managed whether it carries OpsLedger's managed-by label
   * @param uid the object's {@code metadata.uid}, kept out of {@code live}: it tells incarnations
   *     of the name apart, so the applier deletes only the object that was observed; {@code null}
   *     when the API has none (AWS)
   * @param health its health, assessed from the whole object before the projection removed {@code
   *     status}
   */
  record Present(
      ResourceKey key,
      String resourceVersion,
      ObjectNode live,
      String contentHash,
      boolean managed,
      String uid,
      Health health)
      implements Observation {

    /** An object whose API has no uid and whose health is that it exists (AWS). */
    public Present(
        ResourceKey key,
        String resourceVersion,
        ObjectNode live,
        String contentHash,
        boolean managed) {
      this(key, resourceVersion, live, contentHash, managed, null, Health.AWS_EXISTS);
    }
  }

  /**
   * The resource does not exist.
   *
   * @param key the resource
   * @param reason {@code deleted} (seen going) or {@code not-found} (looked for, missing)
   */
  record Absent(ResourceKey key, String reason) implements Observation {

    /** A watch saw it go. */
    public static final String DELETED = "deleted";

    /** A list or a lookup missed it. */
    public static final String NOT_FOUND = "not-found";
  }

  /**
   * The resource or kind could not be observed.
   *
   * @param key the resource, or the kind with {@link ResourceKey#ANY_NAME} as the name
   * @param reason why
   * @param message the API's message, without secrets
   * @param httpStatus the HTTP status, or {@code null}
   * @param retryable whether the collector tries again by itself
   */
  record Failed(
      ResourceKey key, FailureReason reason, String message, Integer httpStatus, boolean retryable)
      implements Observation {}
}
