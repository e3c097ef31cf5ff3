package dev.opsledger.applier.web;

import dev.opsledger.events.Person;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The approvers' bearer tokens, by identity ({@code
 * opsledger.applier.management.tokens.<identity>}). A request's identity is the one whose token it
 * carries; that identity, never the request body, is recorded as {@code approvedBy}.
 *
 * <p>Tokens are compared as SHA-256 digests with {@link MessageDigest#isEqual} against every
 * configured token, without stopping at a match: how long a check takes says nothing about how much
 * of a token was right, nor which identity matched.
 */
public final class ApproverTokens {

  /** Shorter tokens are refused at start: they can be guessed. */
  public static final int MIN_LENGTH = 16;

  private record Entry(Person identity, byte[] digest) {}

  private final List<Entry> entries = new ArrayList<>();

  /**
   * The tokens by identity.
   *
   * @throws IllegalArgumentException when a token is shorter than {@value #MIN_LENGTH} characters
   *     or two identities share one
   */
  public ApproverTokens(Map<String, String> byIdentity) {
    Set<String> seen = new HashSet<>();
    byIdentity.forEach(
        (identity, token) -> {
          if (token == null || token.strip().length() < MIN_LENGTH) {
            throw new IllegalArgumentException(
                "the approval token of '"
                    + identity
                    + "' is shorter than "
                    + MIN_LENGTH
                    + " characters (opsledger.applier.management.tokens)");
          }
          if (!seen.add(token.strip())) {
            throw new IllegalArgumentException(
                "two approvers share one token: each identity needs its own"
                    + " (opsledger.applier.management.tokens)");
          }
          entries.add(new Entry(Person.parse(identity), digest(token.strip())));
        });
  }

  /** Whether no token is configured (every request is then refused). */
  public boolean isEmpty() {
    return entries.isEmpty();
  }

  /**
   * The identity of an {@code Authorization} header's bearer token.
   *
   * @param authorization the header, possibly {@code null}
   * @return the identity, or empty when the header carries no configured token
   */
  public Optional<Person> identify(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Optional.empty();
    }
    byte[] given = digest(authorization.substring(7).strip());
    Person found = null;
    for (Entry e : entries) {
      if (MessageDigest.isEqual(given, e.digest()) && found == null) {
        found = e.identity();
      }
    }
    return Optional.ofNullable(found);
  }

  private static byte[] digest(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
