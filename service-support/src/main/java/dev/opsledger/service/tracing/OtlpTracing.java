package dev.opsledger.service.tracing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporterBuilder;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;

/**
 * The OpenTelemetry SDK with an OTLP/HTTP exporter, built only when an endpoint is configured. A
 * class of its own so that, with tracing off, neither the SDK's nor the exporter's classes are
 * loaded at all (the JVM loads a class when code that names it first runs).
 */
final class OtlpTracing {

  private OtlpTracing() {}

  /**
   * Starts exporting.
   *
   * @param endpoint the OTLP/HTTP traces URL
   * @param props sampling, headers and timeout
   * @param serviceName the resource's {@code service.name} ({@code spring.application.name})
   */
  static EventTracing start(String endpoint, OpsLedgerTracingProperties props, String serviceName) {
    OtlpHttpSpanExporterBuilder exporter =
        OtlpHttpSpanExporter.builder().setEndpoint(endpoint).setTimeout(props.exportTimeout());
    props.headers().forEach(exporter::addHeader);
    SdkTracerProvider provider =
        SdkTracerProvider.builder()
            .setResource(
                Resource.getDefault()
                    .merge(
                        Resource.create(
                            Attributes.of(AttributeKey.stringKey("service.name"), serviceName))))
            .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(props.samplingProbability())))
            .addSpanProcessor(BatchSpanProcessor.builder(exporter.build()).build())
            .build();
    return EventTracing.of(provider, provider);
  }
}
