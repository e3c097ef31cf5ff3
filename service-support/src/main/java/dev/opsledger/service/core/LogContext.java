package dev.opsledger.service.core;

import org.slf4j.MDC;

/**
 * The resource and the commit a log line is about, as SLF4J MDC entries ({@value #RESOURCE},
 * {@value #SHA}): with the JSON log format they are fields of every line written while the context
 * is open. Consumed records get one from their headers (service-support's {@code
 * RecordLogContext}); code that handles a resource on a thread of its own opens one with {@link
 * #of}.
 *
 * <p>Closing restores what the thread had before, so contexts nest (a delivery inside a consumed
 * record's handling) and a pooled thread does not carry a resource into its next task.
 */
public final class LogContext implements AutoCloseable {

  /** The MDC key of the resource key (or the source id, for events about a whole source). */
  public static final String RESOURCE = "resource";

  /** The MDC key of the commit SHA that started the chain of events. */
  public static final String SHA = "sha";

  /** Values come from record headers anyone with write access can set: keep them one short line. */
  public static final int MAX_LENGTH = 512;

  private final String previousResource;
  private final String previousSha;

  private LogContext(String resource, String sha) {
    previousResource = MDC.get(RESOURCE);
    previousSha = MDC.get(SHA);
    put(RESOURCE, resource);
    put(SHA, sha);
  }

  /**
   * Opens a context; a {@code null} or empty value leaves its key out.
   *
   * @param resource the resource key (its {@code toString()}), or the source id
   * @param sha the commit SHA, or {@code null} when the event has none
   */
  public static LogContext of(Object resource, String sha) {
    return new LogContext(resource == null ? null : resource.toString(), sha);
  }

  @Override
  public void close() {
    put(RESOURCE, previousResource);
    put(SHA, previousSha);
  }

  /** Sets or removes one key; the value is cut to one printable line of bounded length. */
  public static void put(String key, String value) {
    String clean = clean(value);
    if (clean == null) {
      MDC.remove(key);
    } else {
      MDC.put(key, clean);
    }
  }

  /** Removes both keys. */
  public static void clear() {
    MDC.remove(RESOURCE);
    MDC.remove(SHA);
  }

  /** The value as one printable line of at most {@link #MAX_LENGTH} characters, or {@code null}. */
  public static String clean(String value) {
    if (value == null || value.isEmpty()) {
      return null;
    }
    String cut = value.length() > MAX_LENGTH ? value.substring(0, MAX_LENGTH) : value;
    StringBuilder out = new StringBuilder(cut.length());
    cut.codePoints().forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? '?' : c));
    return out.toString();
  }
}
