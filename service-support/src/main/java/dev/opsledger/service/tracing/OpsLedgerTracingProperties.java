package dev.opsledger.service.tracing;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Span export ({@code opsledger.tracing.*}); README "Tracing". With no endpoint, no span is
 * recorded or exported and the services only carry {@code traceparent} from the records they read
 * to the records they write.
 *
 * @param endpoint The OTLP/HTTP (protobuf) traces URL, e.g. {@code
 *     http://otel-collector:4318/v1/traces}. Empty: tracing off. Defaults to Spring Boot's {@code
 *     management.opentelemetry.tracing.export.otlp.endpoint}, then {@code
 *     OTEL_EXPORTER_OTLP_TRACES_ENDPOINT}, then {@code OTEL_EXPORTER_OTLP_ENDPOINT} with {@code
 *     /v1/traces} appended, as OpenTelemetry's SDKs read them.
 * @param samplingProbability The share of new traces (commits) recorded, 0 to 1; a span whose
 *     parent was recorded is always recorded and one whose parent was not never is, so a trace is
 *     whole or absent. Defaults to Spring Boot's {@code management.tracing.sampling.probability},
 *     else 1.0: a trace per commit is few spans.
 * @param headers Headers sent with every export, e.g. {@code Authorization} for a hosted collector.
 * @param exportTimeout How long one export may take before its spans are dropped.
 */
@ConfigurationProperties("opsledger.tracing")
@Validated
public record OpsLedgerTracingProperties(
    @DefaultValue("") String endpoint,
    @DefaultValue("1.0") @DecimalMin("0.0") @DecimalMax("1.0") double samplingProbability,
    Map<String, String> headers,
    @DefaultValue("10s") Duration exportTimeout) {

  /** The OTLP/HTTP path of traces under a base endpoint. */
  public static final String TRACES_PATH = "/v1/traces";

  /** Normalises absent values. */
  public OpsLedgerTracingProperties {
    endpoint = endpoint == null ? "" : endpoint.trim();
    headers = headers == null ? Map.of() : Map.copyOf(headers);
  }

  /**
   * The traces URL to export to, or empty for tracing off.
   *
   * @param baseEndpoint {@code OTEL_EXPORTER_OTLP_ENDPOINT}: a base URL for every signal, used when
   *     no traces URL is configured
   */
  public String tracesEndpoint(String baseEndpoint) {
    if (!endpoint.isEmpty()) {
      return endpoint;
    }
    if (baseEndpoint == null || baseEndpoint.isBlank()) {
      return "";
    }
    String base = baseEndpoint.trim();
    return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + TRACES_PATH;
  }

  /** Header values are credentials: never print them. */
  @Override
  public String toString() {
    return "OpsLedgerTracingProperties[endpoint="
        + endpoint
        + ", samplingProbability="
        + samplingProbability
        + ", headers="
        + headers.keySet()
        + ", exportTimeout="
        + exportTimeout
        + "]";
  }
}
