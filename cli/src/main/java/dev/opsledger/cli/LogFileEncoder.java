package dev.opsledger.cli;

import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;
import dev.opsledger.service.OpsLedgerDefaultsPostProcessor;
import java.nio.charset.StandardCharsets;
import org.springframework.boot.logging.logback.StructuredLogEncoder;
import org.springframework.core.env.Environment;
import org.springframework.core.env.StandardEnvironment;

/**
 * The encoder of {@code opsledger up}'s log file: the pattern by default, or Spring Boot's
 * structured JSON when the format ({@code OPSLEDGER_LOG_FORMAT}, as for the services) says so.
 *
 * <p>Why not Spring Boot's logging system, as the services use: {@code up} configures logback once
 * from its own {@code logback.xml} and tells Boot to leave logging alone (see {@link Fleet}), so
 * Boot never sets up its structured appender. Its {@link StructuredLogEncoder} still needs a Spring
 * {@link Environment} in the logger context, which Boot would have put there: a plain {@link
 * StandardEnvironment} (system properties and environment variables) does.
 */
public final class LogFileEncoder extends EncoderBase<ILoggingEvent> {

  private String pattern = "%d{ISO8601} %-5level [%thread] %logger{36} - %msg%n";
  private String format = "text";
  private Encoder<ILoggingEvent> delegate;

  /** The pattern of plain-text lines. */
  public void setPattern(String pattern) {
    this.pattern = pattern;
  }

  /** {@code text} (the default), {@code json}, {@code ecs}, {@code logstash} or {@code gelf}. */
  public void setFormat(String format) {
    this.format = format;
  }

  @Override
  public void start() {
    String structured;
    try {
      structured = OpsLedgerDefaultsPostProcessor.structuredFormat(format);
    } catch (IllegalArgumentException e) {
      // UpCommand refuses such a value before logging starts; anything else gets text.
      addError(e.getMessage());
      structured = null;
    }
    delegate = structured == null ? text() : structured(structured);
    super.start();
  }

  private Encoder<ILoggingEvent> text() {
    PatternLayoutEncoder e = new PatternLayoutEncoder();
    e.setContext(getContext());
    e.setPattern(pattern);
    e.setCharset(StandardCharsets.UTF_8);
    e.start();
    return e;
  }

  private Encoder<ILoggingEvent> structured(String name) {
    if (getContext().getObject(Environment.class.getName()) == null) {
      getContext().putObject(Environment.class.getName(), new StandardEnvironment());
    }
    StructuredLogEncoder e = new StructuredLogEncoder();
    e.setContext(getContext());
    e.setFormat(name);
    e.setCharset(StandardCharsets.UTF_8);
    e.start();
    return e;
  }

  @Override
  public void stop() {
    if (delegate != null) {
      delegate.stop();
    }
    super.stop();
  }

  @Override
  public byte[] headerBytes() {
    return delegate.headerBytes();
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    return delegate.encode(event);
  }

  @Override
  public byte[] footerBytes() {
    return delegate.footerBytes();
  }
}
