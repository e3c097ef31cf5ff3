package dev.opsledger.collector.kubernetes;

import static dev.opsledger.collector.support.ObservedLog.failed;
import static dev.opsledger.testkit.TestAwait.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opsledger.collector.support.Collectors;
import dev.opsledger.collector.support.ObservedLog;
import dev.opsledger.events.ObservationFailed;
import dev.opsledger.events.ResourceKey;
import io.fabric8.kubernetes.api.model.APIResourceListBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A kind the collector may not list (HTTP 403). The sandbox emulator has no authorisation, so this
 * test uses fabric8's mock server in expectation mode: discovery serves Secrets, listing them
 * answers 403.
 */
class ForbiddenKindIT {

  @Test
  void aForbiddenKindIsReportedOnceWithItsStatusAndRetried() {
    String target = "forbidden-" + UUID.randomUUID().toString().substring(0, 8);
    KubernetesMockServer server = new KubernetesMockServer(false);
    server.init();
    server
        .expect()
        .get()
        .withPath("/api/v1")
        .andReturn(
            200,
            new APIResourceListBuilder()
                .withGroupVersion("v1")
                .addNewResource()
                .withName("secrets")
                .withKind("Secret")
                .withNamespaced(true)
                .withSingularName("secret")
                .withVerbs("list", "watch", "get")
                .endResource()
                .build())
        .always();
    server
        .expect()
        .get()
        .withPath("/api/v1/secrets?limit=500")
        .andReturn(
            403,
            new StatusBuilder()
                .withCode(403)
                .withReason("Forbidden")
                .withMessage(
                    "secrets is forbidden: User \"system:serviceaccount:ops:collector\" cannot list"
                        + " resource \"secrets\" at the cluster scope")
                .build())
        .always();
    ResourceKey kind = ResourceKey.of(target, "", "Secret", "", ResourceKey.ANY_NAME);
    try (Collectors collector =
            new Collectors(target, server.createClient(), Duration.ofMinutes(10), List.of());
        ObservedLog log = new ObservedLog(target)) {
      collector.declare(ResourceKey.of(target, "", "Secret", "ops", "db"), "v1");

      await("the forbidden kind is reported").until(() -> log.has(failed(kind, "Forbidden")));
      await("the kind is tried again")
          .until(
              () ->
                  collector.registry.find("opsledger.collector.observations.unchanged").counter()
                      != null);

      ObservationFailed f = (ObservationFailed) log.of(kind).get(0);
      assertThat(f.httpStatus()).isEqualTo(403);
      assertThat(f.message()).contains("cannot list resource \"secrets\"");
      assertThat(f.retryable()).isTrue();
      assertThat(log.of(kind)).hasSize(1);
    } finally {
      server.destroy();
    }
  }
}
