package dev.opsledger.collector.observe;

import dev.opsledger.events.ResourceEvent;

/** What the ledger decided about one observation. */
public sealed interface Verdict {

  /**
   * It is news: emit the event; the ledger already remembers {@code fingerprint}.
   *
   * @param event the event to publish
   * @param fingerprint what the ledger now remembers for the resource
   */
  record Emit(ResourceEvent event, String fingerprint) implements Verdict {}

  /** The same as last reported: emit nothing. */
  record Unchanged() implements Verdict {}
}
