package dev.opsledger.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/** Reads, or creates for a sandbox, the fleet's secret key. */
public final class SecretKeys {

  private static final int KEY_BYTES = 32;

  private SecretKeys() {}

  /**
   * Reads a key file: base64 text (as {@link #createIfAbsent} writes and as Kubernetes mounts a
   * Secret) or at least 32 raw bytes.
   */
  public static byte[] read(Path file) {
    try {
      byte[] raw = Files.readAllBytes(file);
      String text = new String(raw, StandardCharsets.US_ASCII).trim();
      try {
        byte[] decoded = Base64.getDecoder().decode(text);
        if (decoded.length >= KEY_BYTES) {
          return decoded;
        }
      } catch (IllegalArgumentException notBase64) {
        // Raw key bytes: used as they are below.
      }
      if (raw.length < KEY_BYTES) {
        throw new IllegalArgumentException(
            "the secret key file " + file + " holds fewer than " + KEY_BYTES + " bytes");
      }
      return raw;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the secret key file " + file, e);
    }
  }

  /** Decodes a base64 key. */
  public static byte[] decode(String base64) {
    byte[] key;
    try {
      key = Base64.getDecoder().decode(base64.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("opsledger.secrets.key is not base64");
    }
    if (key.length < KEY_BYTES) {
      throw new IllegalArgumentException(
          "opsledger.secrets.key must decode to at least " + KEY_BYTES + " bytes");
    }
    return key;
  }

  /** Creates a new random key file (owner-readable only) unless it exists; returns its key. */
  public static byte[] createIfAbsent(Path file) {
    try {
      if (!Files.exists(file)) {
        byte[] key = new byte[KEY_BYTES];
        new SecureRandom().nextBytes(key);
        Files.createDirectories(file.toAbsolutePath().getParent());
        try {
          // Owner-only from the first byte: created with its permissions, then written.
          Files.createFile(
              file,
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
          // Not a POSIX file system: the directory's own protection applies.
          Files.createFile(file);
        }
        Files.writeString(file, Base64.getEncoder().encodeToString(key) + "\n");
      }
      return read(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the secret key file " + file, e);
    }
  }
}
