package dev.opsledger.applier.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsledger.applier.apply.ApplyRequest;
import dev.opsledger.applier.apply.Failure;
import dev.opsledger.applier.apply.Outcome;
import dev.opsledger.events.EventJson;
import dev.opsledger.events.ResourceKey;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An API server that takes the connection and never answers: the client times the request out. That
 * is as transient as a refused connection (a loaded server), so the apply is retried, never failed
 * for good: a 10,000-object sync on a loaded emulator lost 7 objects to a terminal "Rejected" this
 * way.
 */
class KubernetesApplierTimeoutTest {

  private final List<Socket> held = new CopyOnWriteArrayList<>();
  private final ServerSocket silent = silentServer();
  private final KubernetesClient client =
      new KubernetesClientBuilder()
          .withConfig(
              new ConfigBuilder()
                  .withMasterUrl("http://127.0.0.1:" + silent.getLocalPort())
                  .withRequestTimeout(300)
                  .withRequestRetryBackoffLimit(0)
                  .build())
          .build();

  @AfterEach
  void close() throws IOException {
    client.close();
    silent.close();
    for (Socket s : held) {
      s.close();
    }
  }

  @Test
  void aRequestTheServerDoesNotAnswerInTimeIsARetryableFailure() {
    ResourceKey key = ResourceKey.of("t", "", "ConfigMap", "shop", "web");
    ObjectNode manifest = EventJson.mapper().createObjectNode();
    manifest.put("apiVersion", "v1").put("kind", "ConfigMap");
    manifest.putObject("metadata").put("name", "web").put("namespace", "shop");
    manifest.putObject("data").put("greeting", "hello");

    Outcome outcome =
        new KubernetesApplier("t", client, "opsledger")
            .apply(new ApplyRequest(key, manifest, "demo", "r1", false, true));

    assertThat(outcome).isInstanceOf(Outcome.Failed.class);
    Failure failure = ((Outcome.Failed) outcome).failure();
    assertThat(failure).isInstanceOf(Failure.Retryable.class);
    assertThat(failure.reason()).isEqualTo("Unreachable");
  }

  private ServerSocket silentServer() {
    try {
      ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread accept =
          new Thread(
              () -> {
                while (!server.isClosed()) {
                  try {
                    held.add(server.accept());
                  } catch (IOException closed) {
                    return;
                  }
                }
              },
              "silent-api-server");
      accept.setDaemon(true);
      accept.start();
      return server;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
