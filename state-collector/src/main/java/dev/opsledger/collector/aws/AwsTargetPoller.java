package dev.opsledger.collector.aws;

import dev.opsledger.collector.desired.DeclaredResources;
import dev.opsledger.collector.emit.ObservationEmitter;
import dev.opsledger.collector.observe.KindRef;
import dev.opsledger.collector.observe.Observation;
import dev.opsledger.events.ResourceKey;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One AWS target: polls every kind and reports what it found, what failed, and what is gone.
 *
 * <p>A resource is reported absent ({@code not-found}) when a successful list of its kind misses it
 * and it was seen by the previous poll or is declared. When the list of a kind fails, nothing is
 * concluded about its resources: only the failure is reported.
 */
public final class AwsTargetPoller implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AwsTargetPoller.class);

  private final String target;
  private final List<AwsKindReader> readers;
  private final DeclaredResources declared;
  private final ObservationEmitter emitter;

  /** Names seen by the last successful list, per kind. */
  private final Map<String, Set<ResourceKey>> seen = new ConcurrentHashMap<>();

  /** A poller of {@code target} with one reader per kind. */
  public AwsTargetPoller(
      String target,
      List<AwsKindReader> readers,
      DeclaredResources declared,
      ObservationEmitter emitter) {
    this.target = target;
    this.readers = List.copyOf(readers);
    this.declared = declared;
    this.emitter = emitter;
  }

  /** The target name. */
  public String target() {
    return target;
  }

  /** How many resources of {@code kind} the last successful list found. */
  public int seen(String kind) {
    return seen.getOrDefault(kind, Set.of()).size();
  }

  /** The kinds polled. */
  public List<String> kinds() {
    return readers.stream().map(AwsKindReader::kind).toList();
  }

  /** Polls every kind once and reports the results. */
  public void poll() {
    for (AwsKindReader reader : readers) {
      pollKind(reader);
    }
  }

  /** Reports {@code key} as not found if the last successful list of its kind missed it. */
  public void checkDeclared(ResourceKey key) {
    Set<ResourceKey> current = seen.get(key.kind());
    if (current != null && !current.contains(key)) {
      emitter.submit(
          () -> {
            if (declared.isDeclared(key) && !seen.get(key.kind()).contains(key)) {
              emitter.decide(new Observation.Absent(key, Observation.Absent.NOT_FOUND));
            }
          });
    }
  }

  private void pollKind(AwsKindReader reader) {
    String kind = reader.kind();
    List<Observation> found;
    try {
      found = reader.read(target);
    } catch (RuntimeException e) {
      LOG.debug("listing {} on {} failed", kind, target, e);
      emitter.report(AwsFailures.failed(AwsManifests.key(target, kind, ResourceKey.ANY_NAME), e));
      return;
    }
    emitter.clearFailure(AwsManifests.key(target, kind, ResourceKey.ANY_NAME));
    Set<ResourceKey> current =
        found.stream().map(Observation::key).collect(Collectors.toCollection(LinkedHashSet::new));
    Set<ResourceKey> previous = seen.getOrDefault(kind, Set.of());
    List<ResourceKey> declaredNow =
        declared.declared(target, new KindRef(AwsManifests.API_VERSION, kind));
    seen.put(kind, Set.copyOf(current));
    found.forEach(emitter::report);
    for (ResourceKey gone : missing(previous, declaredNow, current)) {
      emitter.report(new Observation.Absent(gone, Observation.Absent.NOT_FOUND));
    }
  }

  /**
   * The resources to report absent after a successful list: those seen before or declared, that the
   * list did not find. Pure.
   */
  static Set<ResourceKey> missing(
      Collection<ResourceKey> previous,
      Collection<ResourceKey> declaredNow,
      Collection<ResourceKey> current) {
    Set<ResourceKey> out = new TreeSet<>((a, b) -> a.toString().compareTo(b.toString()));
    out.addAll(previous);
    out.addAll(declaredNow);
    out.removeAll(Set.copyOf(current));
    return out;
  }

  @Override
  public void close() {
    readers.forEach(AwsKindReader::close);
  }
}
