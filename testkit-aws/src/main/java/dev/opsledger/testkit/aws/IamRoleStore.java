package dev.opsledger.testkit.aws;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The roles of {@link IamQueryApiFake} and IAM's rules about them: names are unique regardless of
 * case, a role has at most {@value #MAX_TAGS} tags, re-tagging a key overwrites its value,
 * untagging an absent key is no error. Thread-safe: every operation holds the store's lock.
 */
final class IamRoleStore {

  static final int MAX_TAGS = 50;

  private static final String ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

  /** By lower-cased name, so that listing is in name order and lookups ignore case as IAM does. */
  private final Map<String, IamRole> roles = new TreeMap<>();

  private final SecureRandom random = new SecureRandom();
  private final Clock clock;
  private final String accountId;

  IamRoleStore(Clock clock, String accountId) {
    this.clock = clock;
    this.accountId = accountId;
  }

  /** A page of results and the marker that continues it, or {@code null} when it is the last. */
  record Page<T>(List<T> items, String nextMarker) {

    boolean truncated() {
      return nextMarker != null;
    }
  }

  /** What {@code CreateRole} carries; optional fields are {@code null} when absent. */
  record NewRole(
      String roleName,
      String path,
      String assumeRolePolicyDocument,
      String description,
      Integer maxSessionDuration,
      String permissionsBoundaryArn,
      Map<String, String> tags) {}

  synchronized IamRole create(NewRole request) {
    String key = key(request.roleName());
    if (roles.containsKey(key)) {
      throw IamQueryError.roleExists(request.roleName());
    }
    requireTagQuota(request.tags().size());
    String path = request.path() == null ? "/" : request.path();
    IamRole role =
        new IamRole(
            path,
            request.roleName(),
            "AROA" + randomId(17),
            "arn:aws:iam::" + accountId + ":role" + path + request.roleName(),
            Instant.now(clock).truncatedTo(ChronoUnit.SECONDS),
            request.assumeRolePolicyDocument(),
            emptyToNull(request.description()),
            request.maxSessionDuration() == null ? 3600 : request.maxSessionDuration(),
            request.permissionsBoundaryArn(),
            request.tags());
    roles.put(key, role);
    return role;
  }

  synchronized IamRole get(String roleName) {
    IamRole role = roles.get(key(roleName));
    if (role == null) {
      throw IamQueryError.noSuchRole(roleName);
    }
    return role;
  }

  /** Roles whose path starts with {@code pathPrefix}, in name order. */
  synchronized Page<IamRole> list(String pathPrefix, String marker, int maxItems) {
    List<IamRole> matching = new ArrayList<>();
    for (Map.Entry<String, IamRole> entry : roles.entrySet()) {
      boolean afterMarker = marker == null || entry.getKey().compareTo(marker) >= 0;
      if (afterMarker && entry.getValue().path().startsWith(pathPrefix)) {
        matching.add(entry.getValue());
      }
    }
    if (matching.size() <= maxItems) {
      return new Page<>(matching, null);
    }
    return new Page<>(
        List.copyOf(matching.subList(0, maxItems)), key(matching.get(maxItems).roleName()));
  }

  /** {@code UpdateRole}: a {@code null} argument leaves that field as it is. */
  synchronized void update(String roleName, String description, Integer maxSessionDuration) {
    IamRole role = get(roleName);
    if (description != null) {
      role = role.withDescription(emptyToNull(description));
    }
    if (maxSessionDuration != null) {
      role = role.withMaxSessionDuration(maxSessionDuration);
    }
    roles.put(key(roleName), role);
  }

  synchronized void updateAssumeRolePolicy(String roleName, String document) {
    roles.put(key(roleName), get(roleName).withAssumeRolePolicyDocument(document));
  }

  synchronized void delete(String roleName) {
    get(roleName);
    roles.remove(key(roleName));
  }

  synchronized void tag(String roleName, Map<String, String> tags) {
    IamRole role = get(roleName);
    Map<String, String> merged = new LinkedHashMap<>(role.tags());
    merged.putAll(tags);
    requireTagQuota(merged.size());
    roles.put(key(roleName), role.withTags(merged));
  }

  synchronized void untag(String roleName, List<String> tagKeys) {
    IamRole role = get(roleName);
    Map<String, String> remaining = new LinkedHashMap<>(role.tags());
    tagKeys.forEach(remaining::remove);
    roles.put(key(roleName), role.withTags(remaining));
  }

  /** The role's tags in the order they were added; the marker is the index of the next tag. */
  synchronized Page<Map.Entry<String, String>> tags(String roleName, String marker, int maxItems) {
    List<Map.Entry<String, String>> all = List.copyOf(get(roleName).tags().entrySet());
    int from = marker == null ? 0 : parseIndexMarker(marker, all.size());
    int to = Math.min(all.size(), from + maxItems);
    return new Page<>(all.subList(from, to), to < all.size() ? Integer.toString(to) : null);
  }

  private static int parseIndexMarker(String marker, int size) {
    try {
      int index = Integer.parseInt(marker);
      if (index >= 0 && index <= size) {
        return index;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw IamQueryError.invalidInput("Invalid Marker: " + marker);
  }

  private static void requireTagQuota(int count) {
    if (count > MAX_TAGS) {
      throw IamQueryError.limitExceeded("Cannot exceed quota for TagsPerRole: " + MAX_TAGS + ".");
    }
  }

  private static String key(String roleName) {
    return roleName.toLowerCase(Locale.ROOT);
  }

  private static String emptyToNull(String value) {
    return value == null || value.isEmpty() ? null : value;
  }

  private String randomId(int length) {
    StringBuilder id = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      id.append(ID_ALPHABET.charAt(random.nextInt(ID_ALPHABET.length())));
    }
    return id.toString();
  }
}
