package dev.opsledger.collector.desired;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsledger.collector.observe.KindRef;
import dev.opsledger.events.DesiredStateChanged;
import dev.opsledger.events.DesiredStateRemoved;
import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.EventJson;
import dev.opsledger.events.OpsLedgerEvent;
import dev.opsledger.events.ResourceInSync;
import dev.opsledger.events.ResourceKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DesiredEventHandlerTest {

  private final DeclaredResources declared = new DeclaredResources();
  private final List<DesiredUpdate> heard = new ArrayList<>();
  private final DesiredEventHandler handler =
      new DesiredEventHandler(declared, List.of(heard::add));

  @Test
  void learnsANewKindWithItsFirstResource() {
    ResourceKey web = ResourceKey.of("prod", "apps", "Deployment", "n", "web");
    ResourceKey api = ResourceKey.of("prod", "apps", "Deployment", "n", "api");

    DesiredUpdate first = handler.apply(changed(web, "apps/v1"));
    DesiredUpdate second = handler.apply(changed(api, "apps/v1"));

    assertThat(first)
        .isEqualTo(new DesiredUpdate.Declared(web, new KindRef("apps/v1", "Deployment"), true));
    assertThat(second)
        .isEqualTo(new DesiredUpdate.Declared(api, new KindRef("apps/v1", "Deployment"), false));
    assertThat(declared.kinds("prod")).containsExactly(new KindRef("apps/v1", "Deployment"));
  }

  @Test
  void aRedeliveredEventChangesNothingAndIsNotPassedOn() {
    ResourceKey web = ResourceKey.of("prod", "apps", "Deployment", "n", "web");
    handler.apply(changed(web, "apps/v1"));

    DesiredUpdate again = handler.apply(changed(web, "apps/v1"));

    assertThat(again).isInstanceOf(DesiredUpdate.NoChange.class);
    assertThat(heard).hasSize(1);
  }

  @Test
  void aRemovalUndeclaresTheResourceButKeepsItsKindWatched() {
    ResourceKey web = ResourceKey.of("prod", "", "ConfigMap", "n", "web");
    handler.apply(changed(web, "v1"));

    DesiredUpdate removed = handler.apply(removed(web));
    DesiredUpdate removedAgain = handler.apply(removed(web));

    assertThat(removed).isEqualTo(new DesiredUpdate.Undeclared(web));
    assertThat(removedAgain).isInstanceOf(DesiredUpdate.NoChange.class);
    assertThat(declared.isDeclared(web)).isFalse();
    assertThat(declared.kinds("prod")).containsExactly(new KindRef("v1", "ConfigMap"));
  }

  @Test
  void listsDeclaredResourcesPerTargetAndKind() {
    handler.apply(changed(ResourceKey.of("a", "", "ConfigMap", "n", "x"), "v1"));
    handler.apply(changed(ResourceKey.of("b", "", "ConfigMap", "n", "y"), "v1"));
    handler.apply(changed(ResourceKey.of("a", "", "Secret", "n", "z"), "v1"));

    assertThat(declared.declared("a", new KindRef("v1", "ConfigMap")))
        .containsExactly(ResourceKey.of("a", "", "ConfigMap", "n", "x"));
  }

  @Test
  void ignoresEventsThatAreNotAboutDesiredState() {
    ResourceKey key = ResourceKey.of("prod", "", "ConfigMap", "n", "web");

    DesiredUpdate update =
        handler.apply(
            EventEnvelope.create(
                "/t", "", new ResourceInSync(key, "src", "abc", "sha256:00", Instant.now())));

    assertThat(update).isInstanceOf(DesiredUpdate.NoChange.class);
    assertThat(heard).isEmpty();
  }

  @Test
  void aFailingListenerDoesNotStopTheOthers() {
    List<DesiredUpdate> second = new ArrayList<>();
    DesiredEventHandler h =
        new DesiredEventHandler(
            new DeclaredResources(),
            List.of(
                u -> {
                  throw new IllegalStateException("boom");
                },
                second::add));

    h.apply(changed(ResourceKey.of("prod", "", "ConfigMap", "n", "web"), "v1"));

    assertThat(second).hasSize(1);
  }

  private static EventEnvelope<OpsLedgerEvent> changed(ResourceKey key, String apiVersion) {
    ObjectNode manifest = EventJson.mapper().createObjectNode();
    manifest.put("apiVersion", apiVersion).put("kind", key.kind());
    return EventEnvelope.create(
        "/t",
        "abc",
        new DesiredStateChanged(
            key, "src", "abc", "f.yaml", "sha256:00", manifest, null, Instant.now(), null));
  }

  private static EventEnvelope<OpsLedgerEvent> removed(ResourceKey key) {
    return EventEnvelope.create(
        "/t",
        "def",
        new DesiredStateRemoved(key, "src", "def", "f.yaml", null, Instant.now(), null));
  }
}
