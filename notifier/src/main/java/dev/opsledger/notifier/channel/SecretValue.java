package dev.opsledger.notifier.channel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A webhook URL, token or signing secret. It prints as {@code ***}; only the HTTP edge calls {@link
 * #reveal()}.
 */
public final class SecretValue {

  private final String value;

  private SecretValue(String value) {
    this.value = value;
  }

  /**
   * Resolves a secret from a file (preferred, e.g. a mounted Kubernetes Secret) or a plain value
   * (typically {@code ${SOME_ENV}} in configuration). The file's content is trimmed.
   *
   * @param property the property name, for error messages (never the value)
   * @return the secret, or {@code null} when neither is set
   */
  public static SecretValue resolve(String property, String value, Path file) {
    if (file != null) {
      try {
        String text = Files.readString(file, StandardCharsets.UTF_8).trim();
        if (text.isEmpty()) {
          throw new IllegalArgumentException(property + "-file names an empty file: " + file);
        }
        return new SecretValue(text);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + property + "-file " + file, e);
      }
    }
    if (value != null && !value.isBlank()) {
      return new SecretValue(value.trim());
    }
    return null;
  }

  /** The secret itself; for the HTTP edge only. */
  public String reveal() {
    return value;
  }

  @Override
  public String toString() {
    return "***";
  }
}
