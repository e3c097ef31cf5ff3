package dev.opsledger.kafka;

import dev.opsledger.events.EncodedEvent;
import dev.opsledger.events.EventCodec;
import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.Person;
import dev.opsledger.events.SyncApproved;
import java.time.Instant;

/** Small real events for the scan's tests: approvals, told apart by their revision. */
final class TestEvents {

  private static final EventCodec CODEC = new EventCodec();

  private TestEvents() {}

  /** An encoded approval of {@code revision} of {@code source}, at {@code time}. */
  static EncodedEvent approval(String id, String source, String revision, Instant time) {
    return CODEC.encode(
        new EventEnvelope<>(
            id,
            "/test",
            time,
            "",
            "",
            "",
            new SyncApproved(
                null, source, revision, new Person("Ada", "ada@example.com"), null, time)));
  }

  /** The revision an approval read back names. */
  static String revision(ScannedRecord r) {
    return ((SyncApproved) r.data()).revision();
  }
}
