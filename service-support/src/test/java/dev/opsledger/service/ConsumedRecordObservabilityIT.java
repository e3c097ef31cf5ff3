package dev.opsledger.service;

import static dev.opsledger.testkit.TestAwait.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.OpsLedgerEvent;
import dev.opsledger.events.ResourceInSync;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.events.Topic;
import dev.opsledger.kafka.KafkaSettings;
import dev.opsledger.service.core.LogContext;
import dev.opsledger.testkit.SharedKafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.messaging.Message;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * What an operator sees of a consumed record in any service: with {@code opsledger.log.format=json}
 * each line the handler logs is a JSON object carrying the record's resource key and commit SHA,
 * and {@code /actuator/prometheus} counts the record consumed (per group, topic and type), the
 * events published (per topic and type) and the poison record dead-lettered.
 */
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(
    classes = ConsumedRecordObservabilityIT.App.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.cloud.function.definition=sink",
      "spring.cloud.stream.bindings.sink-in-0.destination=opsledger.diffs",
      "spring.cloud.stream.bindings.sink-in-0.group=observability-it",
      "opsledger.kafka.source=/opsledger/test",
      "opsledger.log.format=json",
      "logging.config=classpath:logback-structured-test.xml"
    })
class ConsumedRecordObservabilityIT {

  private static final Logger LOG = LoggerFactory.getLogger(ConsumedRecordObservabilityIT.class);
  private static final String HANDLED = "handled the record in the test sink";
  static final List<EventEnvelope<OpsLedgerEvent>> RECEIVED = new CopyOnWriteArrayList<>();

  @DynamicPropertySource
  static void kafka(DynamicPropertyRegistry registry) {
    registry.add("opsledger.kafka.bootstrap-servers", SharedKafka::bootstrapServers);
  }

  @Autowired EventPublisher publisher;
  @LocalServerPort int port;

  private final ObjectMapper json = new ObjectMapper();

  @Test
  void aHandledRecordsLogLinesCarryItsResourceAndShaAndPrometheusCountsIt(CapturedOutput output)
      throws Exception {
    ResourceKey key =
        ResourceKey.of("it-" + UUID.randomUUID(), "apps", "Deployment", "shop", "web");
    String sha = "3f2c9e1a" + UUID.randomUUID().toString().replace("-", "");
    var event =
        EventEnvelope.create(
            "/opsledger/test",
            sha,
            new ResourceInSync(key, "src", sha, "sha256:00", Instant.now()));
    publisher.publishAndWait(event, Duration.ofSeconds(30));
    poison(key);

    await("the handler logged the record as a JSON line")
        .until(() -> handledLine(output, key).isPresent());
    JsonNode line = handledLine(output, key).orElseThrow();
    assertThat(line.path(LogContext.RESOURCE).asText()).isEqualTo(key.toString());
    assertThat(line.path(LogContext.SHA).asText()).isEqualTo(sha);

    await("Prometheus counts the consumed, published and dead-lettered records")
        .until(
            () -> {
              String scrape = scrape();
              return scrape.contains(
                      "opsledger_events_consumed_total{group=\"observability-it\","
                          + "topic=\"opsledger.diffs\",type=\"dev.opsledger.diff.insync\"}")
                  && scrape.contains(
                      "opsledger_events_dead_lettered_total{topic=\"opsledger.diffs\"}")
                  && scrape.contains(
                      "opsledger_events_published_total{outcome=\"ok\",topic=\"opsledger.diffs\","
                          + "type=\"dev.opsledger.diff.insync\"}");
            });
  }

  @Test
  void aLogLineOutsideARecordCarriesNoResource(CapturedOutput output) {
    LOG.info("a line about no record");
    JsonNode line =
        lines(output)
            .filter(n -> n.path("message").asText().equals("a line about no record"))
            .findFirst()
            .orElseThrow();
    assertThat(line.has(LogContext.RESOURCE)).isFalse();
    assertThat(line.has(LogContext.SHA)).isFalse();
  }

  private void poison(ResourceKey key) throws Exception {
    try (var raw =
        new KafkaProducer<String, byte[]>(KafkaSettings.producer(SharedKafka.bootstrapServers()))) {
      raw.send(
              new ProducerRecord<>(
                  Topic.DIFFS.topicName(),
                  key.toString(),
                  "{not json".getBytes(StandardCharsets.UTF_8)))
          .get();
    }
  }

  private Optional<JsonNode> handledLine(CapturedOutput output, ResourceKey key) {
    return lines(output)
        .filter(n -> n.path("message").asText().equals(HANDLED + " " + key))
        .findFirst();
  }

  private java.util.stream.Stream<JsonNode> lines(CapturedOutput output) {
    return output.getOut().lines().filter(l -> l.startsWith("{")).map(this::parse);
  }

  private JsonNode parse(String line) {
    try {
      return json.readTree(line);
    } catch (Exception e) {
      throw new AssertionError("not a JSON log line: " + line, e);
    }
  }

  private String scrape() throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/actuator/prometheus"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  @SpringBootApplication
  static class App {
    @Bean
    Consumer<Message<byte[]>> sink(EventMessages messages) {
      return message -> {
        var event = messages.decode(message);
        RECEIVED.add(event);
        LOG.info("{} {}", HANDLED, event.subject());
      };
    }
  }
}
