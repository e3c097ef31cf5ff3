package dev.opsledger.sandbox.kubernetes;

import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.time.Clock;
import java.util.Optional;
import java.util.function.IntSupplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * The HTTP front of the emulator, installed as the mock web server's dispatcher in place of
 * fabric8's {@code KubernetesCrudDispatcher}, which it wraps ({@link CrudStore}).
 *
 * <p>A request goes through, in order: discovery, version, OpenAPI stub and health endpoints;
 * refusal of unreadable bodies (415), of HTTP-streaming watches (406) and of watches from before
 * the last restart (410); then reads and watches go straight to fabric8, and writes go through
 * {@link ObjectWrites}, one at a time. Every answer with a body is labelled {@code
 * application/json} (kubectl decides by that label), and an empty error answer gets a {@code
 * Status} body.
 *
 * <p>The dispatcher (and the store in it) outlives the HTTP server: stopping and starting the
 * emulator swaps the server, not this object.
 */
final class EmulatorDispatcher extends Dispatcher {

  private static final Logger LOG = LoggerFactory.getLogger(EmulatorDispatcher.class);

  /**
   * The object URLs the store answers: a collection, an object, or an object's status. Any other
   * shape (e.g. {@code pods/x/log}, {@code deployments/x/scale}) is refused with 404, because
   * fabric8's path parser would match it to every stored object.
   */
  private static final Pattern OBJECT_PATH =
      Pattern.compile("/(api/[^/]+|apis/[^/]+/[^/]+)(/namespaces/[^/]+)?/[^/]+(/[^/]+(/status)?)?");

  private final CrudStore store;
  private final DiscoveryEndpoints discovery;
  private final ObjectWrites writes;
  private final Runnable onChange;
  private final Object writeLock = new Object();
  private volatile Runnable onRequest = () -> {};
  private volatile Admission admission;
  private volatile long oldestWatchableVersion;

  /**
   * @param store the object store
   * @param port the port clients reach the emulator on (for {@code /api}'s server address)
   * @param clock time source for managed-fields timestamps
   * @param onChange called after every stored change (for persistence)
   */
  EmulatorDispatcher(CrudStore store, IntSupplier port, Clock clock, Runnable onChange) {
    this.store = store;
    this.discovery = new DiscoveryEndpoints(new ApiCatalog(store::customResourceDefinitions), port);
    this.writes = new ObjectWrites(store, clock);
    this.onChange = onChange;
  }

  /** Sets the admission webhook every write but a delete goes through, or none. */
  void admission(Admission admission) {
    this.admission = admission;
  }

  /** Sets a hook run at the start of every request (the emulator drains the mock's log). */
  void onRequest(Runnable hook) {
    this.onRequest = hook;
  }

  /**
   * Refuses, with 410 Gone, watches from a resourceVersion older than {@code resourceVersion}: set
   * at every start, so that a client that watched before an outage lists again (see {@link
   * ExpiredWatch}).
   */
  void expireWatchesBefore(long resourceVersion) {
    this.oldestWatchableVersion = resourceVersion;
  }

  @Override
  public MockResponse dispatch(RecordedRequest recorded) {
    onRequest.run();
    ApiRequest request = ApiRequest.of(recorded);
    MockResponse response;
    try {
      response = route(request, recorded);
    } catch (ApiException e) {
      response = e.toResponse();
    } catch (RuntimeException e) {
      LOG.warn("{} {} failed", request.method(), request.path(), e);
      response = ApiException.status(500, "InternalError", String.valueOf(e.getMessage()));
    }
    return finish(request, response);
  }

  private MockResponse route(ApiRequest request, RecordedRequest recorded) {
    return switch (request.method()) {
      case GET -> read(request, recorded);
      case POST, PUT, PATCH, DELETE -> write(request, recorded);
      default ->
          throw new ApiException(
              405, "MethodNotAllowed", request.method() + " is not supported by the emulator");
    };
  }

  private MockResponse read(ApiRequest request, RecordedRequest recorded) {
    if (DiscoveryEndpoints.isHealthCheck(request.path())) {
      return new MockResponse()
          .setResponseCode(200)
          .setHeader("Content-Type", "text/plain")
          .setBody("ok");
    }
    Optional<JsonNode> document = discovery.answer(request.path());
    if (document.isPresent()) {
      return new MockResponse().setResponseCode(200).setBody(document.get().toString());
    }
    requireObjectPath(request);
    if (request.watch() && !request.webSocketUpgrade()) {
      throw new ApiException(
          406,
          "NotAcceptable",
          "the emulator serves watches over WebSocket only (as fabric8 clients use them);"
              + " watching over an HTTP stream (kubectl get --watch) is not emulated");
    }
    if (request.watch() && isExpired(request.param("resourceVersion"))) {
      return new ExpiredWatch(
              Long.parseLong(request.param("resourceVersion")), oldestWatchableVersion)
          .toResponse();
    }
    return store.dispatch(recorded);
  }

  private static void requireObjectPath(ApiRequest request) {
    if (!OBJECT_PATH.matcher(request.path()).matches()) {
      throw new ApiException(
          404,
          "NotFound",
          "the server could not find the requested resource (the emulator serves collections,"
              + " objects and their status subresource only)");
    }
  }

  private boolean isExpired(String resourceVersion) {
    if (resourceVersion == null
        || resourceVersion.isEmpty()
        || !resourceVersion.chars().allMatch(Character::isDigit)
        || resourceVersion.length() > 18) {
      return false;
    }
    long version = Long.parseLong(resourceVersion);
    return version > 0 && version < oldestWatchableVersion;
  }

  private MockResponse write(ApiRequest request, RecordedRequest recorded) {
    requireObjectPath(request);
    MediaTypes.requireReadable(request);
    admit(request);
    synchronized (writeLock) {
      MockResponse response =
          switch (request.method()) {
            case POST -> writes.create(request);
            case PUT -> writes.replace(request);
            case PATCH -> writes.patch(request);
            default -> writes.delete(request, recorded);
          };
      if (!request.dryRun() && response.code() < 300) {
        onChange.run();
      }
      return response;
    }
  }

  /** As the API server answers a webhook's denial that sets code 400. */
  private void admit(ApiRequest request) {
    Admission webhook = admission;
    if (webhook == null || request.method() == HttpMethod.DELETE) {
      return;
    }
    webhook
        .deny(request.method().name(), request.path(), request.bodyUtf8())
        .ifPresent(
            why -> {
              throw new ApiException(
                  400,
                  "BadRequest",
                  "admission webhook \"test.opsledger.dev\" denied the request: " + why);
            });
  }

  private static MockResponse finish(ApiRequest request, MockResponse response) {
    if (response.getWebSocketListener() != null) {
      return response;
    }
    boolean emptyBody = response.getBody() == null || response.getBody().size() == 0;
    if (response.code() >= 400 && emptyBody) {
      response =
          response.code() == 404
              ? ObjectWrites.notFound(request.path()).toResponse()
              : ApiException.status(response.code(), "Unknown", "request failed");
      emptyBody = false;
    }
    if (!emptyBody && response.header("Content-Type") == null) {
      response.setHeader("Content-Type", "application/json");
    }
    return response;
  }
}
