package dev.opsledger.cli;

import dev.opsledger.events.ResourceKey;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;

/**
 * Resolves a resource named on the command line: a full {@code ResourceKey} ({@code
 * target/group/Kind/namespace/name}), {@code namespace/Kind/name}, or {@code Kind/name} for a
 * cluster-scoped resource, matched against the resources the log knows.
 */
public final class ResourceNames {

  private ResourceNames() {}

  /**
   * The one known resource that the text names.
   *
   * @throws CliException when it names none or several (the message lists them)
   */
  public static ResourceKey resolve(String text, Collection<ResourceKey> known) {
    return resolve(text, () -> known);
  }

  /**
   * The one known resource that the text names; {@code known} is asked only when the text is not a
   * full key (asking may mean reading the log).
   *
   * @throws CliException when it names none or several (the message lists them)
   */
  public static ResourceKey resolve(String text, Supplier<Collection<ResourceKey>> knownKeys) {
    String[] parts = text.split("/", -1);
    if (parts.length == 5) {
      try {
        return ResourceKey.parse(text);
      } catch (IllegalArgumentException e) {
        throw new CliException(ExitCodes.USAGE, e.getMessage());
      }
    }
    if (parts.length != 3 && parts.length != 2) {
      throw new CliException(
          ExitCodes.USAGE,
          "name a resource as namespace/Kind/name, Kind/name (cluster-scoped) or"
              + " target/group/Kind/namespace/name, got '"
              + text
              + "'");
    }
    Collection<ResourceKey> known = knownKeys.get();
    List<ResourceKey> matches;
    if (parts.length == 3) {
      matches =
          known.stream()
              .filter(
                  k ->
                      k.namespace().equals(parts[0])
                          && k.kind().equalsIgnoreCase(parts[1])
                          && k.name().equals(parts[2]))
              .toList();
    } else {
      matches =
          known.stream()
              .filter(
                  k ->
                      k.clusterScoped()
                          && k.kind().equalsIgnoreCase(parts[0])
                          && k.name().equals(parts[1]))
              .toList();
    }
    if (matches.isEmpty()) {
      throw new CliException(ExitCodes.UNAVAILABLE, "no resource '" + text + "' in the log");
    }
    if (matches.size() > 1) {
      throw new CliException(
          ExitCodes.USAGE, "'" + text + "' names several resources; use one of: " + matches);
    }
    return matches.get(0);
  }
}
