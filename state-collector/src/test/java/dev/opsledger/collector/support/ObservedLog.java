package dev.opsledger.collector.support;

import dev.opsledger.events.ObservationFailed;
import dev.opsledger.events.ObservedStateAbsent;
import dev.opsledger.events.ObservedStateChanged;
import dev.opsledger.events.ResourceEvent;
import dev.opsledger.events.ResourceHealthChanged;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.events.Topic;
import dev.opsledger.testkit.LogTail;
import dev.opsledger.testkit.SharedKafka;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Predicate;

/**
 * What the collector wrote to {@code opsledger.observed} for one target: a {@link LogTail} from the
 * beginning that keeps only that target's records (tests share the broker). Keeps the raw values
 * too, to check that no plain Secret value reached the topic; an unreadable record of the target
 * fails the test.
 */
public final class ObservedLog implements AutoCloseable {

  private final String prefix;
  private final LogTail tail;

  /** A reader of one target's observed events. */
  public ObservedLog(String target) {
    this.prefix = target + "/";
    this.tail =
        LogTail.fromBeginning(
            SharedKafka.bootstrapServers(), LogTail.keyStartsWith(prefix), Topic.OBSERVED);
  }

  /** Creates the topic catalogue once per JVM, as a service does at start. */
  public static void ensureTopics() {
    LogTail.ensureTopics(SharedKafka.bootstrapServers());
  }

  /**
   * Every event about observed state read so far, in order: health changes are left out (they have
   * their own accessor, {@link #health}), so tests of what the collector reports of an object count
   * only that.
   */
  public List<ResourceEvent> events() {
    return all().stream().filter(e -> !(e instanceof ResourceHealthChanged)).toList();
  }

  /** The health changes of one resource read so far, in order. */
  public List<ResourceHealthChanged> health(ResourceKey key) {
    return all().stream()
        .filter(e -> e instanceof ResourceHealthChanged h && h.resource().equals(key))
        .map(ResourceHealthChanged.class::cast)
        .toList();
  }

  /** Every event read so far, health changes included, in order. */
  public List<ResourceEvent> all() {
    tail.poison().stream()
        .filter(r -> r.key() != null && r.key().startsWith(prefix))
        .findAny()
        .ifPresent(
            r -> {
              throw new AssertionError("the collector wrote an unreadable record at " + r);
            });
    return tail.events().stream().map(e -> (ResourceEvent) e.data()).toList();
  }

  /** Every event of one resource, in order. */
  public List<ResourceEvent> of(ResourceKey key) {
    return events().stream().filter(e -> e.resource().equals(key)).toList();
  }

  /** The raw record values read so far. */
  public List<String> raw() {
    return tail.records().stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList();
  }

  /** Tells whether an event read so far matches. */
  public boolean has(Predicate<ResourceEvent> match) {
    return events().stream().anyMatch(match);
  }

  /** Matches a change of {@code key}. */
  public static Predicate<ResourceEvent> changed(ResourceKey key) {
    return e -> e instanceof ObservedStateChanged c && c.resource().equals(key);
  }

  /** Matches a change of {@code key} satisfying {@code test}. */
  public static Predicate<ResourceEvent> changed(
      ResourceKey key, Predicate<ObservedStateChanged> test) {
    return e -> e instanceof ObservedStateChanged c && c.resource().equals(key) && test.test(c);
  }

  /** Matches an absence of {@code key} with {@code reason}. */
  public static Predicate<ResourceEvent> absent(ResourceKey key, String reason) {
    return e ->
        e instanceof ObservedStateAbsent a && a.resource().equals(key) && a.reason().equals(reason);
  }

  /** Matches a failure of {@code key} with {@code reason}. */
  public static Predicate<ResourceEvent> failed(ResourceKey key, String reason) {
    return e ->
        e instanceof ObservationFailed f && f.resource().equals(key) && f.reason().equals(reason);
  }

  @Override
  public void close() {
    tail.close();
  }
}
