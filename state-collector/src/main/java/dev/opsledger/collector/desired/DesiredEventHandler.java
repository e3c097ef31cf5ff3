package dev.opsledger.collector.desired;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opsledger.collector.observe.KindRef;
import dev.opsledger.events.DesiredStateChanged;
import dev.opsledger.events.DesiredStateRemoved;
import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.OpsLedgerEvent;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Folds one event of {@code opsledger.desired} into {@link DeclaredResources} and tells the
 * listeners what changed.
 *
 * <p><b>Idempotent</b>, dedupe key: the {@link dev.opsledger.events.ResourceKey} (record key) with
 * the manifest's {@code apiVersion}/{@code kind}. Declaring a resource is a set insertion and
 * removing it a set removal, so a redelivered or replayed event finds the state it would produce
 * and returns {@link DesiredUpdate.NoChange}; listeners are not called for it. Replays are the
 * normal case: the binding reads the topic from the beginning at every start.
 */
public final class DesiredEventHandler
    implements Function<EventEnvelope<OpsLedgerEvent>, DesiredUpdate> {

  private static final Logger LOG = LoggerFactory.getLogger(DesiredEventHandler.class);

  private final DeclaredResources declared;
  private final List<DesiredListener> listeners;

  /** A handler feeding {@code listeners}. */
  public DesiredEventHandler(DeclaredResources declared, List<DesiredListener> listeners) {
    this.declared = declared;
    this.listeners = List.copyOf(listeners);
  }

  @Override
  public DesiredUpdate apply(EventEnvelope<OpsLedgerEvent> envelope) {
    DesiredUpdate update = fold(envelope.data());
    if (!(update instanceof DesiredUpdate.NoChange)) {
      for (DesiredListener listener : listeners) {
        try {
          listener.onDesired(update);
        } catch (RuntimeException e) {
          // One collector's trouble must not stop the others from learning the desired state.
          LOG.error("a collector failed to take a desired-state update; it goes on", e);
        }
      }
    }
    return update;
  }

  private DesiredUpdate fold(OpsLedgerEvent event) {
    if (event instanceof DesiredStateChanged changed) {
      JsonNode manifest = changed.manifest();
      String apiVersion = manifest.path("apiVersion").asText("");
      String kind = manifest.path("kind").asText(changed.resource().kind());
      if (apiVersion.isEmpty()) {
        LOG.warn("desired manifest of {} has no apiVersion; ignored", changed.resource());
        return new DesiredUpdate.NoChange();
      }
      return declared.declare(changed.resource(), new KindRef(apiVersion, kind));
    }
    if (event instanceof DesiredStateRemoved removed) {
      return declared.undeclare(removed.resource());
    }
    return new DesiredUpdate.NoChange();
  }
}
