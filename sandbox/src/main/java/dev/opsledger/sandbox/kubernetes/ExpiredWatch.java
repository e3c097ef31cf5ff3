package dev.opsledger.sandbox.kubernetes;

import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import tools.jackson.databind.node.ObjectNode;

/**
 * A watch that is refused with {@code 410 Gone}, as the API server refuses a watch from a
 * resourceVersion it no longer has: one {@code ERROR} event carrying an {@code Expired} status,
 * then the socket closes.
 *
 * <p>Why: fabric8's mock ignores the resourceVersion of a watch and replays every current object as
 * ADDED, so an informer that reconnects after an outage never hears of an object deleted meanwhile.
 * A 410 makes it list again, which removes such objects from its cache.
 */
final class ExpiredWatch extends WebSocketListener {

  private final String event;

  ExpiredWatch(long requested, long oldestServed) {
    ObjectNode status = Json.object();
    status.put("kind", "Status");
    status.put("apiVersion", "v1");
    status.putObject("metadata");
    status.put("status", "Failure");
    status.put("message", "too old resource version: " + requested + " (" + oldestServed + ")");
    status.put("reason", "Expired");
    status.put("code", 410);
    ObjectNode watchEvent = Json.object();
    watchEvent.put("type", "ERROR");
    watchEvent.set("object", status);
    this.event = watchEvent.toString();
  }

  MockResponse toResponse() {
    return new MockResponse().withWebSocketUpgrade(this);
  }

  @Override
  public void onOpen(WebSocket webSocket, Response response) {
    webSocket.send(event);
    webSocket.close(1000, "resource version expired");
  }
}
