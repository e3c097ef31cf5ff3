package dev.opsledger.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opsledger.events.EncodedEvent;
import dev.opsledger.events.EventCodec;
import dev.opsledger.events.EventEnvelope;
import dev.opsledger.events.EventHeader;
import dev.opsledger.events.EventJson;
import dev.opsledger.events.ObservedStateChanged;
import dev.opsledger.events.OpsLedgerEvent;
import dev.opsledger.events.ResourceKey;
import dev.opsledger.events.Topic;
import dev.opsledger.service.tracing.EventTracing;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Constructor;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.function.context.FunctionCatalog;
import org.springframework.cloud.function.context.catalog.SimpleFunctionRegistry.FunctionInvocationWrapper;
import org.springframework.cloud.stream.binder.ConsumerProperties;
import org.springframework.cloud.stream.binder.ProducerProperties;
import org.springframework.cloud.stream.binder.kafka.common.BinderHeaderMapper;
import org.springframework.cloud.stream.config.BindingServiceProperties;
import org.springframework.cloud.stream.function.FunctionConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.support.converter.MessagingMessageConverter;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.support.MessageBuilder;

/**
 * The per-record cost of each layer of a service's consumer path (issue 17, point 2), in µs per
 * record, for one realistic record: an {@code ObservedStateChanged} of a Deployment (about 2 KiB of
 * body) with the headers {@link EventCodec} writes.
 *
 * <p>A service context (Spring Cloud Stream and Function auto-configured with the services' shared
 * defaults, {@code opsledger-defaults.properties}) with one consumer bean, {@code sink}, declared
 * like the services' ({@code Consumer<Message<byte[]>>} that decodes with {@link EventMessages}).
 * No broker: the binder's per-record steps are called as the binder calls them. From the outside
 * in:
 *
 * <ul>
 *   <li>{@link #recordToMessage}: the Kafka binder's record-to-message conversion (its {@code
 *       BinderHeaderMapper});
 *   <li>{@link #recordInterceptors}: this module's record interceptor ({@link RecordLogContext}:
 *       log context, CONSUMER span with tracing off, the consumed counter);
 *   <li>{@link #streamWrapper}: what the binding's handler calls per message: Spring Cloud Stream's
 *       function wrapper around Spring Cloud Function's {@code FunctionInvocationWrapper} of the
 *       bean, configured from the binding's consumer properties ({@code nativeDecoding} is the
 *       binding's {@code use-native-decoding}), then the bean;
 *   <li>{@link #functionWrapper}: the {@code FunctionInvocationWrapper} alone, then the bean;
 *   <li>{@link #handler}: the bean called directly;
 *   <li>{@link #decode}: {@link EventMessages#decode} alone.
 * </ul>
 *
 * <p>Run: {@code ./mvnw -B -ntp -o -pl service-support -am -Pbench test} (JMH options in {@code
 * -Djmh.args}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ConsumerPathBenchmark {

  static final String FUNCTION = "sink";
  static final String GROUP = "bench";

  /** The binding's {@code use-native-decoding}. */
  @Param({"false", "true"})
  public boolean nativeDecoding;

  private ConfigurableApplicationContext context;
  private Message<byte[]> message;
  private ConsumerRecord<Object, Object> record;
  private EventMessages messages;
  private Consumer<Message<byte[]>> handler;
  private FunctionInvocationWrapper wrapper;
  private Function<Message<byte[]>, Object> stream;
  private MessagingMessageConverter converter;
  private RecordLogContext interceptor;

  /** Starts the context and builds the record and the message the binder would. */
  @Setup(Level.Trial)
  public void start() throws ReflectiveOperationException {
    context =
        new SpringApplicationBuilder(App.class)
            .web(WebApplicationType.NONE)
            // Arguments, not default properties: they must win over the services' defaults.
            .run(
                // Nothing is bound: the steps of the binding are called below.
                "--spring.cloud.stream.function.autodetect=false",
                "--spring.cloud.stream.bindings." + FUNCTION + "-in-0.group=" + GROUP,
                "--management.endpoint.health.group.readiness.include=readinessState",
                "--logging.level.root=WARN");
    EncodedEvent encoded = new EventCodec().encode(event());
    RecordHeaders headers = new RecordHeaders();
    for (EventHeader h : encoded.headers()) {
      headers.add(h.name(), h.value());
    }
    record =
        new ConsumerRecord<>(
            Topic.OBSERVED.topicName(),
            3,
            42L,
            System.currentTimeMillis(),
            TimestampType.CREATE_TIME,
            encoded.key().length(),
            encoded.value().length,
            encoded.key(),
            encoded.value(),
            headers,
            Optional.empty());
    converter = new MessagingMessageConverter();
    converter.setHeaderMapper(new BinderHeaderMapper());
    @SuppressWarnings("unchecked")
    Message<byte[]> converted =
        (Message<byte[]>) converter.toMessage(record, null, null, byte[].class);
    // The binding's channel interceptor adds the binding's content type to a message without one.
    message =
        MessageBuilder.fromMessage(converted)
            .setHeader(MessageHeaders.CONTENT_TYPE, "application/octet-stream")
            .build();
    messages = context.getBean(EventMessages.class);
    @SuppressWarnings("unchecked")
    Consumer<Message<byte[]>> bean = (Consumer<Message<byte[]>>) context.getBean(FUNCTION);
    handler = bean;
    wrapper = context.getBean(FunctionCatalog.class).lookup(FUNCTION);
    ConsumerProperties consumer =
        context.getBean(BindingServiceProperties.class).getConsumerProperties(FUNCTION + "-in-0");
    boolean configured = consumer.isUseNativeDecoding();
    consumer.setUseNativeDecoding(nativeDecoding);
    Constructor<?> c =
        Class.forName(FunctionConfiguration.class.getName() + "$FunctionWrapper")
            .getDeclaredConstructor(
                Function.class,
                ConsumerProperties.class,
                ProducerProperties.class,
                ConfigurableApplicationContext.class,
                String.class);
    c.setAccessible(true);
    @SuppressWarnings("unchecked")
    Function<Message<byte[]>, Object> w =
        (Function<Message<byte[]>, Object>)
            c.newInstance(wrapper, consumer, null, context, "kafka");
    stream = w;
    interceptor =
        new RecordLogContext(GROUP, context.getBean(MeterRegistry.class), EventTracing.off());
    System.out.printf(
        "record: %d bytes of body, %d headers; message headers: %s; content type: %s;"
            + " use-native-decoding configured: %s%n",
        encoded.value().length,
        encoded.headers().size(),
        message.getHeaders().keySet(),
        context.getEnvironment().getProperty("spring.cloud.stream.default.content-type"),
        configured);
  }

  /** Stops the context. */
  @TearDown(Level.Trial)
  public void stop() {
    context.close();
  }

  /** The binder's record-to-message conversion. */
  @Benchmark
  public Message<?> recordToMessage() {
    return converter.toMessage(record, null, null, byte[].class);
  }

  /** This module's record interceptor, as the container calls it around a handled record. */
  @Benchmark
  public ConsumerRecord<Object, Object> recordInterceptors() {
    ConsumerRecord<Object, Object> r = interceptor.intercept(record, null);
    interceptor.success(r, null);
    interceptor.afterRecord(r, null);
    return r;
  }

  /** Spring Cloud Stream's wrapper, as the binding's handler calls it, then the bean. */
  @Benchmark
  public Object streamWrapper() {
    stream.apply(message);
    return App.last;
  }

  /** Spring Cloud Function's wrapper of the bean, then the bean. */
  @Benchmark
  public Object functionWrapper() {
    wrapper.apply(message);
    return App.last;
  }

  /** The bean, called directly. */
  @Benchmark
  public Object handler() {
    handler.accept(message);
    return App.last;
  }

  /** Decoding alone. */
  @Benchmark
  public EventEnvelope<OpsLedgerEvent> decode() {
    return messages.decode(message);
  }

  /**
   * A loop run for a shared machine, where JMH's wall-clock figures move with the load: each layer
   * {@code rounds} times over {@code records} records after as many to warm up, timed by the
   * thread's CPU time; prints the median µs of CPU per record. Arguments: records (20,000) and
   * rounds (7).
   */
  public static void main(String[] args) throws Exception {
    int records = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    for (boolean nativeDecoding : new boolean[] {false, true}) {
      ConsumerPathBenchmark b = new ConsumerPathBenchmark();
      b.nativeDecoding = nativeDecoding;
      b.start();
      Map<String, Runnable> layers = new LinkedHashMap<>();
      layers.put("recordToMessage", b::recordToMessage);
      layers.put("recordInterceptors", b::recordInterceptors);
      layers.put("streamWrapper", b::streamWrapper);
      layers.put("functionWrapper", b::functionWrapper);
      layers.put("handler", b::handler);
      layers.put("decode", b::decode);
      for (Map.Entry<String, Runnable> layer : layers.entrySet()) {
        Runnable op = layer.getValue();
        for (int i = 0; i < records; i++) {
          op.run();
        }
        double[] perRecord = new double[rounds];
        for (int r = 0; r < rounds; r++) {
          long t0 = cpu.getCurrentThreadCpuTime();
          for (int i = 0; i < records; i++) {
            op.run();
          }
          perRecord[r] = (cpu.getCurrentThreadCpuTime() - t0) / 1_000.0 / records;
        }
        Arrays.sort(perRecord);
        System.out.printf(
            "nativeDecoding=%-5s %-20s %8.2f us CPU/record (min %.2f, max %.2f)%n",
            nativeDecoding,
            layer.getKey(),
            perRecord[rounds / 2],
            perRecord[0],
            perRecord[rounds - 1]);
      }
      b.stop();
    }
    System.out.printf(
        "load average %.2f%n", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  static EventEnvelope<ObservedStateChanged> event() {
    ResourceKey key = ResourceKey.of("demo", "apps", "Deployment", "shop", "web-0042");
    String json =
        """
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web-0042",
        "namespace":"shop","labels":{"app":"web-0042","app.kubernetes.io/managed-by":"opsledger",
        "opsledger.dev/source":"demo","tier":"frontend"},"annotations":{
        "deployment.kubernetes.io/revision":"3","opsledger.dev/revision":
        "3f2c9e1a0b7d4c5e8f9a1b2c3d4e5f60718293a4"}},"spec":{"replicas":3,
        "revisionHistoryLimit":10,"progressDeadlineSeconds":600,"selector":{"matchLabels":
        {"app":"web-0042"}},"strategy":{"type":"RollingUpdate","rollingUpdate":
        {"maxSurge":"25%","maxUnavailable":"25%"}},"template":{"metadata":{"labels":
        {"app":"web-0042","tier":"frontend"}},"spec":{"containers":[{"name":"web",
        "image":"registry.example.com/shop/web:1.42.7","imagePullPolicy":"IfNotPresent",
        "ports":[{"containerPort":8080,"name":"http","protocol":"TCP"}],"env":[
        {"name":"SPRING_PROFILES_ACTIVE","value":"production"},{"name":"JAVA_TOOL_OPTIONS",
        "value":"-XX:MaxRAMPercentage=75"},{"name":"GREETING","value":"hello from web-0042"}],
        "resources":{"requests":{"cpu":"250m","memory":"256Mi"},"limits":{"cpu":"1",
        "memory":"512Mi"}},"readinessProbe":{"httpGet":{"path":"/actuator/health/readiness",
        "port":"http","scheme":"HTTP"},"periodSeconds":10,"timeoutSeconds":1,
        "successThreshold":1,"failureThreshold":3},"livenessProbe":{"httpGet":{
        "path":"/actuator/health/liveness","port":"http","scheme":"HTTP"},"periodSeconds":10,
        "timeoutSeconds":1,"successThreshold":1,"failureThreshold":3},
        "terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File"}],
        "dnsPolicy":"ClusterFirst","restartPolicy":"Always","schedulerName":"default-scheduler",
        "securityContext":{"runAsNonRoot":true},"terminationGracePeriodSeconds":30}}}}
        """;
    JsonNode live;
    try {
      live = EventJson.mapper().readTree(json);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    String sha = "3f2c9e1a0b7d4c5e8f9a1b2c3d4e5f60718293a4";
    return EventEnvelope.create(
        "/opsledger/state-collector",
        sha,
        new ObservedStateChanged(
            key,
            Instant.parse("2026-11-30T18:00:00Z"),
            "123456",
            "sha256:" + "ab".repeat(32),
            live,
            true,
            UUID.randomUUID().toString()));
  }

  /**
   * A service context with one consumer bean declared like the services'; no broker needed. Not a
   * {@code @Configuration}: the tests' applications in this package scan it, and must not get it.
   */
  @EnableAutoConfiguration(exclude = OpsLedgerServiceAutoConfiguration.class)
  static class App {
    static Object last;

    @Bean
    EventMessages eventMessages(ObjectProvider<MeterRegistry> meters) {
      return new EventMessages(new EventCodec(), meters.getIfAvailable());
    }

    @Bean(FUNCTION)
    Consumer<Message<byte[]>> sink(EventMessages messages) {
      return m -> last = messages.decode(m);
    }
  }
}
