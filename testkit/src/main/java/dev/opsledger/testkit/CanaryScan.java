package dev.opsledger.testkit;

import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Greps everything a test can reach for plaintext Secret values ("canaries") that must never leave
 * the applier's request: every record of every topic of a broker ({@code .dlq} topics included;
 * keys, bodies, header names and values, transactional records aborted or not), files and
 * directories (a log file, a data directory), and captured text (HTTP bodies a loopback receiver
 * got, a command's output, an API's answer).
 *
 * <p>Each canary is looked for in every form it could take on the way: as it is, as standard base64
 * (what a Secret's {@code data} carries), JSON-escaped as Jackson writes it, and as Go's {@code
 * encoding/json} writes it ({@code <}, {@code >}, {@code &} as {@code \u003c}…). A canary is
 * matched anywhere, so short ones must be chosen so that they occur nowhere by chance (letters from
 * an unusual script, not {@code "a"}); a form shorter than four characters is refused for that
 * reason.
 *
 * <pre>{@code
 * CanaryScan scan = CanaryScan.of(List.of("cañary-7f3a", "ᚠ"));
 * scan.topics(bootstrapServers).file(dataDir.resolve("opsledger.log")).text("slack", body);
 * scan.assertClean();
 * }</pre>
 */
public final class CanaryScan {

  private static final int SHORTEST_FORM = 4;

  /** Form → a description of it ("base64 of canary #3"). */
  private final Map<String, String> forms = new LinkedHashMap<>();

  private final List<String> hits = new ArrayList<>();
  private final Map<String, Integer> scanned = new LinkedHashMap<>();

  private CanaryScan(Collection<String> canaries) {
    int i = 0;
    for (String canary : canaries) {
      i++;
      String json = TextNode.valueOf(canary).toString();
      json = json.substring(1, json.length() - 1);
      add(canary, "canary #" + i);
      add(
          Base64.getEncoder().encodeToString(canary.getBytes(StandardCharsets.UTF_8)),
          "base64 of #" + i);
      add(json, "JSON-escaped #" + i);
      add(
          json.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"),
          "Go-JSON-escaped #" + i);
    }
  }

  /**
   * A scan for these canaries.
   *
   * @throws IllegalArgumentException when a form of one is too short to be told from chance
   */
  public static CanaryScan of(Collection<String> canaries) {
    return new CanaryScan(canaries);
  }

  private void add(String form, String what) {
    int bytes = form.getBytes(StandardCharsets.UTF_8).length;
    if (bytes < SHORTEST_FORM) {
      throw new IllegalArgumentException(
          what
              + " is "
              + bytes
              + " bytes long: a canary needs characters that occur nowhere by chance (at least"
              + " 4 bytes of UTF-8 in every form; one letter of a rare script is 3 or 4)");
    }
    forms.putIfAbsent(form, what);
  }

  /** Every form that is looked for, with what it is. */
  public Map<String, String> forms() {
    return Map.copyOf(forms);
  }

  /** Scans every topic of the broker but Kafka's internal ones. */
  public CanaryScan topics(String bootstrapServers) {
    return topics(bootstrapServers, topic -> !topic.startsWith("__"));
  }

  /**
   * Scans every record of the topics the filter accepts (on a shared broker: the test's own), to
   * their end offsets at the time of the call.
   */
  public CanaryScan topics(String bootstrapServers, Predicate<String> topicFilter) {
    Set<String> topics;
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      topics = admin.listTopics(new ListTopicsOptions().listInternal(false)).names().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while listing topics", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("cannot list the topics of " + bootstrapServers, e);
    }
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ConsumerConfig.GROUP_ID_CONFIG, "canary-scan-" + UUID.randomUUID());
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    // Aborted transactions too: a leak is a leak even when its transaction was rolled back.
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
    config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024);
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (String topic : topics) {
        if (topicFilter.test(topic)) {
          consumer
              .partitionsFor(topic)
              .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
        }
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions));
      end.values().removeIf(v -> v == 0);
      Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
      while (!end.isEmpty()) {
        if (Instant.now().isAfter(deadline)) {
          throw new IllegalStateException("the topics were not read to their end in 2 minutes");
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          record(r);
        }
        end.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
      }
    }
    return this;
  }

  private void record(ConsumerRecord<byte[], byte[]> r) {
    String where = "topic " + r.topic() + "[" + r.partition() + "]@" + r.offset();
    count("records of " + r.topic());
    grep(where + " key", r.key());
    grep(where + " body", r.value());
    for (Header h : r.headers()) {
      grep(where + " header name", h.key().getBytes(StandardCharsets.UTF_8));
      grep(where + " header " + h.key(), h.value());
    }
  }

  /** Scans a file, or every regular file under a directory. */
  public CanaryScan file(Path path) {
    if (Files.isDirectory(path)) {
      try (Stream<Path> files = Files.walk(path)) {
        files.filter(Files::isRegularFile).forEach(this::file);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return this;
    }
    try {
      count("files");
      grep("file " + path, Files.readAllBytes(path));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path, e);
    }
    return this;
  }

  /** Scans a captured text: an HTTP body, a command's output, an API's answer. */
  public CanaryScan text(String where, String text) {
    count("texts");
    grep(where, text == null ? null : text.getBytes(StandardCharsets.UTF_8));
    return this;
  }

  /** Scans captured texts, each named {@code where #n}. */
  public CanaryScan texts(String where, Collection<String> texts) {
    int i = 0;
    for (String t : texts) {
      text(where + " #" + ++i, t);
    }
    return this;
  }

  private void count(String what) {
    scanned.merge(what, 1, Integer::sum);
  }

  private void grep(String where, byte[] bytes) {
    if (bytes == null || bytes.length == 0) {
      return;
    }
    // ISO-8859-1 keeps every byte as one char, so a form's UTF-8 bytes match wherever they occur.
    String haystack = new String(bytes, StandardCharsets.ISO_8859_1);
    for (var form : forms.entrySet()) {
      String needle =
          new String(form.getKey().getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
      if (haystack.contains(needle)) {
        hits.add(where + ": " + form.getValue());
      }
    }
  }

  /** Where a canary was found, one line each ("topic x[0]@3 body: base64 of #2"). */
  public List<String> hits() {
    return List.copyOf(hits);
  }

  /** How many records, files and texts were scanned, by kind. */
  public Map<String, Integer> scanned() {
    return Map.copyOf(scanned);
  }

  /**
   * Fails, listing every hit, when a canary was found.
   *
   * @throws AssertionError listing every hit
   */
  public void assertClean() {
    if (!hits.isEmpty()) {
      throw new AssertionError(
          "a plaintext canary was found in "
              + hits.size()
              + " places:\n  "
              + String.join("\n  ", hits));
    }
  }
}
