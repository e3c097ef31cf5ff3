package dev.opsledger.kafka;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsledger.events.CheckpointTopic;
import dev.opsledger.events.EventJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Snapshots of a service's rebuilt state on its compacted checkpoint topic ({@link
 * CheckpointTopic}), each with the offsets of the log it covers.
 *
 * <p>Layout (one partition, JSON values): a snapshot is written as chunks of at most {@link
 * #CHUNK_BYTES} of entries, keyed {@code chunk/<slot>/<index>}, then a manifest keyed {@code
 * manifest} that names the snapshot, its slot, its chunk count and the offsets it covers. Two slots
 * alternate: a new snapshot is written into the slot the current manifest does not use, so a writer
 * that dies half-way leaves the previous snapshot whole. Keys are reused, so compaction keeps at
 * most two snapshots; chunks beyond a smaller new snapshot are deleted with tombstones.
 *
 * <p>Reading keeps the newest value of each key (as compaction would) and checks that every chunk
 * the manifest names is there and belongs to it. A snapshot that is missing, incomplete or
 * unreadable is reported as absent, with a warning: the caller rebuilds from the whole log, which
 * is always correct, only slower.
 */
public final class Checkpoints {

  /** The format of the manifest and chunk values; a reader skips a snapshot of another format. */
  public static final int FORMAT = 1;

  /** The largest chunk written, far below the topic's record limit. */
  public static final int CHUNK_BYTES = 1024 * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(Checkpoints.class);
  private static final String MANIFEST = "manifest";
  private static final String CHUNK = "chunk/";
  private static final List<String> SLOTS = List.of("a", "b");

  private final KafkaConnection connection;
  private final String topicName;
  private final String service;
  private final Duration writeTimeout;
  private final Clock clock;
  private final ObjectMapper mapper = EventJson.mapper();

  /**
   * A store on a checkpoint topic of the catalogue.
   *
   * @param writeTimeout how long writing one snapshot may take
   */
  public Checkpoints(
      KafkaConnection connection, CheckpointTopic topic, Duration writeTimeout, Clock clock) {
    this(connection, topic.topicName(), topic.service(), writeTimeout, clock);
  }

  /** A store on a checkpoint topic of a plaintext cluster (tests, the embedded broker). */
  public Checkpoints(
      String bootstrapServers, CheckpointTopic topic, Duration writeTimeout, Clock clock) {
    this(KafkaConnection.of(bootstrapServers), topic, writeTimeout, clock);
  }

  /**
   * A store on any topic configured as {@link CheckpointTopic#config()} says, with one partition.
   *
   * @param service the service whose state it holds (written in the manifest, for people)
   * @param writeTimeout how long writing one snapshot may take
   */
  public Checkpoints(
      KafkaConnection connection,
      String topicName,
      String service,
      Duration writeTimeout,
      Clock clock) {
    this.connection = connection;
    this.topicName = topicName;
    this.service = service;
    this.writeTimeout = writeTimeout;
    this.clock = clock;
  }

  /** A store on any checkpoint-configured topic of a plaintext cluster (tests). */
  public Checkpoints(
      String bootstrapServers,
      String topicName,
      String service,
      Duration writeTimeout,
      Clock clock) {
    this(KafkaConnection.of(bootstrapServers), topicName, service, writeTimeout, clock);
  }

  /** The topic's name. */
  public String topicName() {
    return topicName;
  }

  /**
   * A snapshot read from the topic; its entries are parsed when {@link #entries} is called.
   *
   * @param id the snapshot's id
   * @param slot the slot its chunks are in
   * @param createdAt when it was written
   * @param covers per partition, the offset up to which (exclusive) the snapshot holds the log
   * @param entryCount how many entries it holds
   * @param chunks the chunks' values, in order
   * @param slotSizes the highest chunk index + 1 present in each slot (for tombstones)
   */
  public record Snapshot(
      String id,
      String slot,
      Instant createdAt,
      Map<TopicPartition, Long> covers,
      long entryCount,
      List<byte[]> chunks,
      Map<String, Integer> slotSizes) {

    /** Copies. */
    public Snapshot {
      covers = Map.copyOf(covers);
      chunks = List.copyOf(chunks);
      slotSizes = Map.copyOf(slotSizes);
    }

    /** The bytes the snapshot's chunks take. */
    public long bytes() {
      return chunks.stream().mapToLong(c -> c.length).sum();
    }
  }

  /**
   * Reads the newest complete snapshot, or empty when there is none or it cannot be used (a warning
   * says why). Bounded by the topic's size: at most two snapshots once compacted.
   *
   * @throws LogScanTimeoutException when the scan's budget is spent
   * @throws KafkaUnavailableException when the cluster refuses a lookup
   */
  public Optional<Snapshot> load(LogScan scan) {
    Map<TopicPartition, OffsetRange> plan =
        scan.plan(List.of(topicName), LogScan.From.beginning(), LogScan.Until.endAtStart());
    Map<String, byte[]> latest = new HashMap<>();
    scan.readRaw(
        plan,
        r -> {
          if (r.key() == null) {
            return;
          }
          if (r.value() == null) {
            latest.remove(r.key());
          } else {
            latest.put(r.key(), r.value());
          }
        });
    byte[] manifest = latest.get(MANIFEST);
    if (manifest == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(assemble(manifest, latest));
    } catch (IOException | RuntimeException e) {
      LOG.warn(
          "the snapshot on {} cannot be used, rebuilding from the whole log: {}",
          topicName,
          e.toString());
      return Optional.empty();
    }
  }

  /**
   * Hands every entry of a snapshot to {@code out}, in the order they were written.
   *
   * @throws UncheckedIOException when a chunk is not readable JSON
   */
  public void entries(Snapshot snapshot, Consumer<JsonNode> out) {
    for (byte[] chunk : snapshot.chunks()) {
      try (JsonParser p = mapper.getFactory().createParser(chunk)) {
        JsonNode root = mapper.readTree(p);
        JsonNode entries = root == null ? null : root.get("entries");
        if (entries == null || !entries.isArray()) {
          throw new IOException("a chunk without entries");
        }
        entries.forEach(out);
      } catch (IOException e) {
        throw new UncheckedIOException("unreadable snapshot chunk of " + topicName, e);
      }
    }
  }

  /**
   * Writes a snapshot covering {@code covers}: chunks first, into the slot {@code previous} does
   * not use, then the manifest, then tombstones for chunks of that slot beyond the new ones.
   *
   * @param previous the snapshot this one replaces (as loaded), or {@code null}
   * @param covers per partition, the offset up to which (exclusive) the entries hold the log
   * @param entries hands every entry to the consumer it is given
   * @return the manifest written, as a snapshot without chunks
   * @throws KafkaUnavailableException when Kafka does not acknowledge within the timeout
   */
  public Snapshot write(
      Snapshot previous, Map<TopicPartition, Long> covers, Consumer<Consumer<JsonNode>> entries) {
    String slot = previous == null || !"a".equals(previous.slot()) ? "a" : "b";
    String id = UUID.randomUUID().toString();
    Instant now = clock.instant();
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(KafkaSettings.producer(connection))) {
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      ChunkWriter chunks =
          new ChunkWriter(
              id, bytes -> sent.add(send(producer, chunkKey(slot, sent.size()), bytes)));
      entries.accept(chunks::add);
      chunks.flush();
      int count = sent.size();
      await(sent);
      byte[] manifest = manifest(id, slot, now, covers, count, chunks.entries);
      await(List.of(send(producer, MANIFEST, manifest)));
      int before = previous == null ? 0 : previous.slotSizes().getOrDefault(slot, 0);
      List<Future<RecordMetadata>> tombstones = new ArrayList<>();
      for (int i = count; i < before; i++) {
        tombstones.add(send(producer, chunkKey(slot, i), null));
      }
      await(tombstones);
      Map<String, Integer> sizes = new HashMap<>();
      if (previous != null) {
        sizes.putAll(previous.slotSizes());
      }
      sizes.put(slot, count);
      LOG.info(
          "wrote a snapshot of {} entries in {} chunks to {}", chunks.entries, count, topicName);
      return new Snapshot(id, slot, now, covers, chunks.entries, List.of(), sizes);
    } catch (KafkaException e) {
      throw new KafkaUnavailableException("cannot write a snapshot: " + e.getMessage(), e);
    }
  }

  private Snapshot assemble(byte[] manifestBytes, Map<String, byte[]> latest) throws IOException {
    JsonNode m = mapper.readTree(manifestBytes);
    if (m.path("format").asInt() != FORMAT) {
      throw new IOException("format " + m.path("format") + " is not " + FORMAT);
    }
    String id = text(m, "snapshot");
    String slot = text(m, "slot");
    int count = m.path("chunks").asInt(-1);
    if (!SLOTS.contains(slot) || count < 0) {
      throw new IOException("a manifest without slot or chunk count");
    }
    Map<TopicPartition, Long> covers = new LinkedHashMap<>();
    JsonNode byTopic = m.path("covers");
    for (var t = byTopic.fields(); t.hasNext(); ) {
      var topicEntry = t.next();
      for (var p = topicEntry.getValue().fields(); p.hasNext(); ) {
        var partition = p.next();
        covers.put(
            new TopicPartition(topicEntry.getKey(), Integer.parseInt(partition.getKey())),
            partition.getValue().asLong());
      }
    }
    List<byte[]> chunks = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      byte[] chunk = latest.get(chunkKey(slot, i));
      if (chunk == null) {
        throw new IOException("chunk " + i + " of " + count + " is missing");
      }
      if (!id.equals(chunkSnapshotId(chunk))) {
        throw new IOException("chunk " + i + " belongs to another snapshot");
      }
      chunks.add(chunk);
    }
    Map<String, Integer> sizes = new HashMap<>();
    for (String key : latest.keySet()) {
      if (key.startsWith(CHUNK)) {
        String[] parts = key.split("/");
        if (parts.length == 3) {
          sizes.merge(parts[1], Integer.parseInt(parts[2]) + 1, Math::max);
        }
      }
    }
    return new Snapshot(
        id,
        slot,
        Instant.parse(text(m, "createdAt")),
        covers,
        m.path("entries").asLong(),
        chunks,
        sizes);
  }

  /** The id in a chunk's first field, read without parsing its entries. */
  private String chunkSnapshotId(byte[] chunk) throws IOException {
    try (JsonParser p = mapper.getFactory().createParser(chunk)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("a chunk that is not an object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        p.nextToken();
        if ("snapshot".equals(name)) {
          return p.getText();
        }
        p.skipChildren();
      }
      return null;
    }
  }

  private byte[] manifest(
      String id,
      String slot,
      Instant now,
      Map<TopicPartition, Long> covers,
      int chunks,
      long entries) {
    ObjectNode m = mapper.createObjectNode();
    m.put("format", FORMAT);
    m.put("snapshot", id);
    m.put("service", service);
    m.put("slot", slot);
    m.put("createdAt", now.toString());
    m.put("chunks", chunks);
    m.put("entries", entries);
    ObjectNode byTopic = m.putObject("covers");
    covers.entrySet().stream()
        .sorted(
            java.util.Comparator.comparing(
                    (Map.Entry<TopicPartition, Long> e) -> e.getKey().topic())
                .thenComparingInt(e -> e.getKey().partition()))
        .forEach(
            e ->
                ((ObjectNode) byTopic.with(e.getKey().topic()))
                    .put(Integer.toString(e.getKey().partition()), e.getValue()));
    try {
      return mapper.writeValueAsBytes(m);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Future<RecordMetadata> send(
      KafkaProducer<String, byte[]> producer, String key, byte[] value) {
    ProducerRecord<String, byte[]> record = new ProducerRecord<>(topicName, 0, key, value);
    if (value != null) {
      record
          .headers()
          .add(
              new RecordHeader(
                  "content-type", "application/json".getBytes(StandardCharsets.UTF_8)));
    }
    return producer.send(record);
  }

  private void await(List<Future<RecordMetadata>> sent) {
    long deadline = System.nanoTime() + writeTimeout.toNanos();
    for (Future<RecordMetadata> f : sent) {
      try {
        f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        throw new KafkaUnavailableException(
            "writing a snapshot to " + topicName + " took longer than " + writeTimeout, e);
      } catch (ExecutionException e) {
        throw new KafkaUnavailableException(
            "cannot write a snapshot to " + topicName + ": " + e.getCause(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new KafkaUnavailableException("interrupted while writing a snapshot", e);
      }
    }
  }

  private static String chunkKey(String slot, int index) {
    return CHUNK + slot + "/" + index;
  }

  private static String text(JsonNode node, String field) throws IOException {
    JsonNode v = node.get(field);
    if (v == null || !v.isTextual()) {
      throw new IOException("a manifest without " + field);
    }
    return v.asText();
  }

  /** Packs entries into chunks of at most {@link #CHUNK_BYTES} (one larger entry alone). */
  private final class ChunkWriter {
    private final String id;
    private final Consumer<byte[]> emit;
    private ByteArrayOutputStream buffer;
    private int inChunk;
    private long entries;

    ChunkWriter(String id, Consumer<byte[]> emit) {
      this.id = id;
      this.emit = emit;
    }

    void add(JsonNode entry) {
      byte[] json;
      try {
        json = mapper.writeValueAsBytes(entry);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      if (buffer != null && buffer.size() + json.length + 2 > CHUNK_BYTES) {
        flush();
      }
      if (buffer == null) {
        buffer = new ByteArrayOutputStream();
        buffer.writeBytes(
            ("{\"format\":" + FORMAT + ",\"snapshot\":\"" + id + "\",\"entries\":[")
                .getBytes(StandardCharsets.UTF_8));
        inChunk = 0;
      }
      if (inChunk > 0) {
        buffer.write(',');
      }
      buffer.writeBytes(json);
      inChunk++;
      entries++;
    }

    void flush() {
      if (buffer == null) {
        return;
      }
      buffer.writeBytes("]}".getBytes(StandardCharsets.UTF_8));
      emit.accept(buffer.toByteArray());
      buffer = null;
    }
  }
}
