package dev.opsledger.applier.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opsledger.events.EventCodec;
import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.EventHeader;
import dev.opsledger.events.EventJson;
import dev.opsledger.events.OpsLedgerEvent;
import dev.opsledger.events.Person;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.events.SyncApproved;
import dev.opsledger.service.EventPublisher;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The management port on loopback, writing through a Kafka {@link MockProducer}: each hostile
 * request is refused with a clear status and message and writes nothing, and the server keeps
 * answering the approvers. The docs/attack-corpus/approvals.md table lists these inputs.
 */
class ManagementServerIT {

  static final String ADA_TOKEN = "ada-token-0123456789abcdef";
  static final String BOB_TOKEN = "bob-token-0123456789abcdef";
  static final String KEY = "prod/apps/Deployment/shop/web";

  final MockProducer<String, byte[]> producer =
      new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
  final HttpClient http = HttpClient.newHttpClient();
  ManagementServer server;

  @BeforeEach
  void start() throws Exception {
    server =
        server(
            Map.of("Ada <ada@example.org>", ADA_TOKEN, "bob", BOB_TOKEN),
            List.of("opsledger-applier-management.opsledger.svc"));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void anApprovalIsRecordedWithTheTokensIdentityAndTheRevisionItNames() throws Exception {
    var response = post(ADA_TOKEN, approval("r1"));

    assertThat(response.statusCode()).isEqualTo(202);
    JsonNode answer = EventJson.mapper().readTree(response.body());
    assertThat(answer.path("approvedBy").asText()).isEqualTo("Ada <ada@example.org>");
    assertThat(answer.path("revision").asText()).isEqualTo("r1");
    SyncApproved written = onlyApproval();
    assertThat(written.approvedBy()).isEqualTo(new Person("Ada", "ada@example.org"));
    assertThat(written.resource()).isEqualTo(ResourceKey.parse(KEY));
    assertThat(written.revision()).isEqualTo("r1");
    assertThat(written.reason()).isEqualTo("reviewed");

    var asBob = post(BOB_TOKEN, approval("r2"));
    assertThat(asBob.statusCode()).isEqualTo(202);
    assertThat(approvals()).extracting(a -> a.approvedBy().name()).containsExactly("Ada", "bob");
  }

  @Test
  void aRequestWithoutABearerTokenIsRefusedAndWritesNothing() throws Exception {
    var response = post(null, approval("r1"));

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("WWW-Authenticate")).contains("Bearer");
    assertThat(response.body()).contains("a valid bearer token is required");
    assertThat(producer.history()).isEmpty();
  }

  @Test
  void aWrongTruncatedOrNonBearerTokenIsRefused() throws Exception {
    assertThat(post("not-the-token-0123456789", approval("r1")).statusCode()).isEqualTo(401);
    assertThat(post(ADA_TOKEN.substring(0, 20), approval("r1")).statusCode()).isEqualTo(401);
    assertThat(post(ADA_TOKEN + "x", approval("r1")).statusCode()).isEqualTo(401);
    var basic =
        http.send(
            request(approval("r1")).header("Authorization", "Basic " + ADA_TOKEN).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(basic.statusCode()).isEqualTo(401);
    assertThat(producer.history()).isEmpty();
  }

  @Test
  void aForgedApprovedByInTheBodyIsRefusedAndWritesNothing() throws Exception {
    String forged =
        EventJson.mapper()
            .createObjectNode()
            .put("resource", KEY)
            .put("revision", "r1")
            .put("approvedBy", "Ada <ada@example.org>")
            .toString();

    var response = post(BOB_TOKEN, forged);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("approvedBy is not accepted");
    assertThat(producer.history()).isEmpty();
  }

  @Test
  void anApprovalWithoutARevisionIsRefused() throws Exception {
    String body = EventJson.mapper().createObjectNode().put("resource", KEY).toString();

    var response = post(ADA_TOKEN, body);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("revision is required");
    assertThat(producer.history()).isEmpty();
  }

  @Test
  void malformedBodiesAreRefusedWithTheReason() throws Exception {
    assertThat(post(ADA_TOKEN, "{not json").body()).contains("not JSON");
    assertThat(post(ADA_TOKEN, "[1,2]").body()).contains("must be a JSON object");
    assertThat(post(ADA_TOKEN, "{\"resource\":\"" + KEY + "\",\"revision\":\"r1\",\"x\":1}").body())
        .contains("unknown field 'x'");
    assertThat(post(ADA_TOKEN, "{\"resource\":\"" + KEY + "\",\"revision\":7}").body())
        .contains("revision must be a string");
    assertThat(post(ADA_TOKEN, "{\"resource\":\"" + KEY + "\",\"revision\":\"r 1\\n\"}").body())
        .contains("printable ASCII");
    assertThat(post(ADA_TOKEN, "{\"resource\":\"no-key\",\"revision\":\"r1\"}").statusCode())
        .isEqualTo(400);
    assertThat(post(ADA_TOKEN, "{\"revision\":\"r1\"}").body()).contains("name a resource");
    var text =
        http.send(
            HttpRequest.newBuilder(uri("/api/v1/approvals"))
                .header("Authorization", "Bearer " + ADA_TOKEN)
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(approval("r1")))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(text.statusCode()).isEqualTo(415);
    assertThat(producer.history()).isEmpty();
    assertThat(post(ADA_TOKEN, approval("r1")).statusCode()).isEqualTo(202);
  }

  @Test
  void anOversizedBodyIsRefusedWithoutBeingRead() throws Exception {
    String big =
        "{\"resource\":\""
            + KEY
            + "\",\"revision\":\"r1\",\"reason\":\""
            + "a".repeat(8000)
            + "\"}";

    var declared = post(ADA_TOKEN, big);
    var chunked =
        http.send(
            request(null)
                .header("Authorization", "Bearer " + ADA_TOKEN)
                .POST(
                    HttpRequest.BodyPublishers.ofInputStream(
                        () ->
                            new java.io.ByteArrayInputStream(big.getBytes(StandardCharsets.UTF_8))))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(declared.statusCode()).isEqualTo(413);
    assertThat(declared.body()).contains("larger than 1024 bytes");
    assertThat(chunked.statusCode()).isEqualTo(413);
    assertThat(producer.history()).isEmpty();
    assertThat(post(ADA_TOKEN, approval("r1")).statusCode()).isEqualTo(202);
  }

  @Test
  void aForeignOrMissingHostHeaderIsRefusedBeforeTheTokenIsLookedAt() throws Exception {
    String body = approval("r1");

    assertThat(raw("evil.example", ADA_TOKEN, body)).startsWith("HTTP/1.1 421");
    assertThat(raw("localhost.evil.example:80", ADA_TOKEN, body)).startsWith("HTTP/1.1 421");
    assertThat(raw("127.0.0.1:1@evil.example", ADA_TOKEN, body)).startsWith("HTTP/1.1 421");
    assertThat(raw(null, ADA_TOKEN, body)).startsWith("HTTP/1.1 421");
    assertThat(producer.history()).isEmpty();

    assertThat(raw("localhost:" + server.port(), ADA_TOKEN, body)).startsWith("HTTP/1.1 202");
    assertThat(raw("[::1]:" + server.port(), ADA_TOKEN, body)).startsWith("HTTP/1.1 202");
    assertThat(raw("OpsLedger-Applier-Management.opsledger.svc:8081", ADA_TOKEN, body))
        .startsWith("HTTP/1.1 202");
  }

  @Test
  void onlyPostToTheApprovalsPathIsServed() throws Exception {
    var get =
        http.send(
            HttpRequest.newBuilder(uri("/api/v1/approvals"))
                .header("Authorization", "Bearer " + ADA_TOKEN)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    var elsewhere =
        http.send(
            HttpRequest.newBuilder(uri("/actuator/env"))
                .header("Authorization", "Bearer " + ADA_TOKEN)
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(get.statusCode()).isEqualTo(405);
    assertThat(elsewhere.statusCode()).isEqualTo(404);
  }

  @Test
  void withNoTokenConfiguredEveryApprovalIsRefused() throws Exception {
    server.close();
    server = server(Map.of(), List.of());

    assertThat(post(ADA_TOKEN, approval("r1")).statusCode()).isEqualTo(401);
    assertThat(producer.history()).isEmpty();
  }

  @Test
  void aShortOrSharedTokenIsRefusedAtStart() {
    assertThatThrownBy(() -> new ApproverTokens(Map.of("ada", "short")))
        .hasMessageContaining("shorter than 16 characters");
    assertThatThrownBy(() -> new ApproverTokens(Map.of("ada", ADA_TOKEN, "eve", ADA_TOKEN)))
        .hasMessageContaining("share one token");
  }

  // ---------------------------------------------------------------------------------------------

  private ManagementServer server(Map<String, String> tokens, List<String> hosts) throws Exception {
    return new ManagementServer(
        new InetSocketAddress("127.0.0.1", 0),
        new EventPublisher(producer, new EventCodec(), new SimpleMeterRegistry()),
        "/opsledger/applier",
        Duration.ofSeconds(5),
        new ApproverTokens(tokens),
        new HostCheck(hosts),
        1024);
  }

  private static String approval(String revision) {
    return EventJson.mapper()
        .createObjectNode()
        .put("resource", KEY)
        .put("revision", revision)
        .put("reason", "reviewed")
        .toString();
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  private HttpRequest.Builder request(String body) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri("/api/v1/approvals")).header("Content-Type", "application/json");
    return body == null ? b : b.POST(HttpRequest.BodyPublishers.ofString(body));
  }

  private HttpResponse<String> post(String token, String body) throws Exception {
    HttpRequest.Builder b = request(body);
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A request written by hand: the JDK's client does not let a caller choose the Host header. */
  private String raw(String host, String token, String body) throws Exception {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    StringBuilder req = new StringBuilder("POST /api/v1/approvals HTTP/1.1\r\n");
    if (host != null) {
      req.append("Host: ").append(host).append("\r\n");
    }
    req.append("Authorization: Bearer ").append(token).append("\r\n");
    req.append("Content-Type: application/json\r\n");
    req.append("Content-Length: ").append(bytes.length).append("\r\n");
    req.append("Connection: close\r\n\r\n");
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(req.toString().getBytes(StandardCharsets.US_ASCII));
      out.write(bytes);
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      in.transferTo(answer);
      return answer.toString(StandardCharsets.UTF_8);
    }
  }

  private List<SyncApproved> approvals() throws Exception {
    EventCodec codec = new EventCodec();
    List<SyncApproved> out = new ArrayList<>();
    for (ProducerRecord<String, byte[]> r : producer.history()) {
      List<EventHeader> headers = new ArrayList<>();
      r.headers().forEach(h -> headers.add(new EventHeader(h.key(), h.value())));
      EventEnvelope<OpsLedgerEvent> e = codec.decode(headers, r.value());
      assertThat(r.topic()).isEqualTo("opsledger.approvals");
      out.add((SyncApproved) e.data());
    }
    return out;
  }

  private SyncApproved onlyApproval() throws Exception {
    assertThat(approvals()).hasSize(1);
    return approvals().get(0);
  }
}
