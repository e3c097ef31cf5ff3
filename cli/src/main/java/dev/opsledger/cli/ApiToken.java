package dev.opsledger.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;

/**
 * The bearer token of {@code opsledger up}'s APIs (approvals on the management port, and the audit
 * API), in {@code <data-dir>/api-token}, readable by its owner only (POSIX mode 0600). Its identity
 * is the local user: approvals made with it are recorded as approved by that user. Whoever can read
 * the file can approve, as whoever can read the data directory can read the log.
 */
public final class ApiToken {

  /** The file name under the data directory. */
  public static final String FILE = "api-token";

  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");

  private ApiToken() {}

  /**
   * The data directory's token, generated (256 random bits) when absent. An existing file that
   * others may read is first made the owner's only.
   */
  public static String createIfAbsent(Path dataDir) throws IOException {
    Path file = dataDir.resolve(FILE);
    if (!Files.exists(file)) {
      byte[] random = new byte[32];
      new SecureRandom().nextBytes(random);
      String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
      try {
        create(file);
        Files.writeString(file, token + "\n", StandardCharsets.US_ASCII);
        return token;
      } catch (FileAlreadyExistsException raced) {
        // Another process created it first: use theirs.
      }
    }
    restrict(file);
    return read(dataDir);
  }

  /** The data directory's token, or {@code null} when it has none. */
  public static String read(Path dataDir) throws IOException {
    Path file = dataDir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      return null;
    }
    String token = Files.readString(file, StandardCharsets.US_ASCII).strip();
    return token.isEmpty() ? null : token;
  }

  /**
   * The token a command sends: the one in {@code tokenFile} when given (a usage error if it is
   * missing), else the one {@code up} wrote into {@code dataDir}; {@code null} when there is none.
   */
  public static String read(Path tokenFile, Path dataDir) throws IOException {
    if (tokenFile == null) {
      return read(dataDir);
    }
    if (!Files.isRegularFile(tokenFile)) {
      throw new CliException(ExitCodes.USAGE, "no token file " + tokenFile);
    }
    String token = Files.readString(tokenFile).strip();
    return token.isEmpty() ? null : token;
  }

  /** The identity of the token: the local user. */
  public static String identity() {
    String user = System.getProperty("user.name");
    return user == null || user.isBlank() ? "opsledger-up" : user;
  }

  private static void create(Path file) throws IOException {
    if (posix(file.getParent())) {
      // Created with its final mode: never readable by others, not even for a moment.
      Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    } else {
      Files.createFile(file);
    }
  }

  private static void restrict(Path file) throws IOException {
    if (posix(file.getParent()) && !Files.getPosixFilePermissions(file).equals(OWNER_ONLY)) {
      Files.setPosixFilePermissions(file, OWNER_ONLY);
    }
  }

  private static boolean posix(Path dir) {
    return Files.getFileAttributeView(dir, java.nio.file.attribute.PosixFileAttributeView.class)
        != null;
  }
}
