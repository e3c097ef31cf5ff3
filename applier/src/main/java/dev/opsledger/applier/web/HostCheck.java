package dev.opsledger.applier.web;

import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which {@code Host} headers the management server answers: loopback names, and the host names an
 * operator configures ({@code opsledger.applier.management.allowed-hosts}, e.g. the Service's DNS
 * names). A web page that rebinds its own domain name to a loopback or cluster address sends its
 * own name as the Host, so it is refused before anything else is read (DNS rebinding).
 */
public final class HostCheck {

  private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "::1");

  private final Set<String> allowed;

  /** Loopback names and these host names (compared without case, ports ignored). */
  public HostCheck(Iterable<String> allowedHosts) {
    Set<String> names =
        java.util.stream.StreamSupport.stream(allowedHosts.spliterator(), false)
            .map(h -> h.strip().toLowerCase(Locale.ROOT))
            .filter(h -> !h.isEmpty())
            .collect(Collectors.toSet());
    names.addAll(LOOPBACK);
    this.allowed = Set.copyOf(names);
  }

  /** Whether a request naming this {@code Host} is answered; a missing header is not. */
  public boolean allows(String hostHeader) {
    String host = hostName(hostHeader);
    return host != null && allowed.contains(host);
  }

  /** The host name of a Host header without its port, lower case; {@code null} if malformed. */
  static String hostName(String header) {
    if (header == null) {
      return null;
    }
    String h = header.strip().toLowerCase(Locale.ROOT);
    if (h.startsWith("[")) {
      int close = h.indexOf(']');
      if (close < 0) {
        return null;
      }
      String rest = h.substring(close + 1);
      if (!rest.isEmpty() && !rest.matches(":[0-9]{1,5}")) {
        return null;
      }
      return h.substring(1, close);
    }
    int colon = h.indexOf(':');
    if (colon >= 0) {
      if (!h.substring(colon).matches(":[0-9]{1,5}")) {
        return null;
      }
      h = h.substring(0, colon);
    }
    return h.isEmpty() ? null : h;
  }
}
