package dev.opsledger.testkit.aws;

import java.net.URI;

/** One AWS-protocol emulator listening on loopback until it is closed. */
public interface AwsEmulator extends AutoCloseable {

  /**
   * The base URI to pass as the SDK's {@code endpointOverride}, e.g. {@code http://127.0.0.1:PORT}.
   */
  URI endpoint();

  /** Stops the emulator and drops all its state; idempotent. */
  @Override
  void close();
}
