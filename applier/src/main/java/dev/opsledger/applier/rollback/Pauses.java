package dev.opsledger.applier.rollback;

import dev.opsledger.events.ResourceKey;
import dev.opsledger.events.RollbackRequested;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The resources a rollback paused: while paused, the applier writes nothing that would take a
 * resource back to Git's head; drift is reported and left in place. A pause ends when Git moves: a
 * declaration of the resource's source with a sequence above the one its rollback recorded as head.
 *
 * <p>Idempotent: pausing again with the same request changes nothing; a newer rollback of the same
 * resource replaces the older pause.
 */
public final class Pauses {

  /**
   * One paused resource.
   *
   * @param request the rollback that paused it
   * @param requestId the event id of that rollback
   */
  public record Pause(RollbackRequested request, String requestId) {

    /** Whether a declaration of its source at {@code sequence} is Git moving past the pause. */
    public boolean movedPast(String sourceId, Long sequence) {
      return request.sourceId().equals(sourceId)
          && sequence != null
          && (request.pausedSequence() == null || sequence > request.pausedSequence());
    }

    /** Why a change is held, for people. */
    public String detail(String revision) {
      return "auto-sync paused by the rollback to "
          + shortSha(request.targetRevision())
          + " requested by "
          + request.requestedBy()
          + ": revision "
          + shortSha(revision == null ? request.pausedRevision() : revision)
          + " is not applied until Git moves (a new revision of source "
          + request.sourceId()
          + ")";
    }
  }

  private final Map<ResourceKey, Pause> paused = new ConcurrentHashMap<>();

  /** Pauses the resource of {@code request}. */
  public void pause(RollbackRequested request, String requestId) {
    paused.put(request.resource(), new Pause(request, requestId));
  }

  /** The pause of the resource, or {@code null}. */
  public Pause of(ResourceKey key) {
    return paused.get(key);
  }

  /** Ends the pause of one resource; returns it, or {@code null} when it was not paused. */
  public Pause resume(ResourceKey key) {
    return paused.remove(key);
  }

  /**
   * The paused resources whose pause a declaration of {@code sourceId} at {@code sequence} ends.
   */
  public List<ResourceKey> movedPast(String sourceId, Long sequence) {
    List<ResourceKey> out = new ArrayList<>();
    paused.forEach(
        (key, pause) -> {
          if (pause.movedPast(sourceId, sequence)) {
            out.add(key);
          }
        });
    return out;
  }

  /** How many resources are paused. */
  public int size() {
    return paused.size();
  }

  private static String shortSha(String sha) {
    return sha != null && sha.length() > 12 ? sha.substring(0, 12) : String.valueOf(sha);
  }

  /** The resources paused now. */
  public List<ResourceKey> keys() {
    return List.copyOf(paused.keySet());
  }
}
