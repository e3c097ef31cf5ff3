package dev.opsledger.gitwatcher.watch;

import dev.opsledger.events.EventCodec;
import dev.opsledger.events.OpsLedgerEvent;
import dev.opsledger.events.PreviewClosed;
import dev.opsledger.events.PreviewRejected;
import dev.opsledger.events.PreviewRendered;
import dev.opsledger.events.Topic;
import dev.opsledger.kafka.KafkaConnection;
import dev.opsledger.kafka.LogScan;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a source's {@link PreviewHistory} from {@code opsledger.previews}, start to end as the log
 * stood when the read began (the topic holds one event per pushed or closed request, small next to
 * the desired state).
 */
public final class PreviewLog implements PreviewHistory.Reader {

  private final KafkaConnection connection;
  private final EventCodec codec;
  private final Duration timeout;

  /**
   * A reader.
   *
   * @param connection the cluster
   * @param codec the event codec
   * @param timeout how long the read may take
   */
  public PreviewLog(KafkaConnection connection, EventCodec codec, Duration timeout) {
    this.connection = connection;
    this.codec = codec;
    this.timeout = timeout;
  }

  @Override
  public PreviewHistory read(String sourceId) {
    Map<Long, String> previewed = new HashMap<>();
    Set<Long> closed = new HashSet<>();
    String topic = Topic.PREVIEWS.topicName();
    try (LogScan scan = LogScan.open(connection, codec, timeout)) {
      var plan = scan.plan(List.of(topic), LogScan.From.beginning(), LogScan.Until.endAtStart());
      scan.read(
          plan,
          r -> {
            OpsLedgerEvent e = r.data();
            if (e instanceof PreviewRendered p && sourceId.equals(p.sourceId())) {
              previewed.put(p.number(), p.headSha());
              closed.remove(p.number());
            } else if (e instanceof PreviewRejected p && sourceId.equals(p.sourceId())) {
              previewed.put(p.number(), p.headSha());
              closed.remove(p.number());
            } else if (e instanceof PreviewClosed c && sourceId.equals(c.sourceId())) {
              closed.add(c.number());
            }
          });
    }
    return new PreviewHistory(previewed, closed);
  }
}
