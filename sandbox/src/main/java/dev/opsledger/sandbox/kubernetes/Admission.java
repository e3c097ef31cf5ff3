package dev.opsledger.sandbox.kubernetes;

import java.util.Optional;

/**
 * A validating admission webhook, as a cluster may run one (a policy engine, an operator's own): it
 * sees every write before it is stored and may deny it with a message of its choosing. Tests use it
 * to make the emulator answer what such a webhook answers; a real webhook's message can echo
 * anything it was sent.
 */
@FunctionalInterface
public interface Admission {

  /**
   * Why a write is denied, or empty to admit it.
   *
   * @param method {@code POST}, {@code PUT} or {@code PATCH}
   * @param path the request path without query
   * @param body the request body as sent (an object, or a patch of one)
   */
  Optional<String> deny(String method, String path, String body);
}
