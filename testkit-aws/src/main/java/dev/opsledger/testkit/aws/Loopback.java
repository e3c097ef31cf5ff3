package dev.opsledger.testkit.aws;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;

/** The loopback address every emulator binds, and the small socket helpers they share. */
final class Loopback {

  static final String HOST = "127.0.0.1";

  private Loopback() {}

  static InetAddress address() {
    try {
      return InetAddress.getByName(HOST);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static URI uri(int port) {
    return URI.create("http://" + HOST + ":" + port);
  }

  /**
   * A port that was free a moment ago, for servers that cannot bind port 0 themselves (dynalite
   * reads {@code --port 0} as "use the default"); callers retry if another process takes it first.
   */
  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, address())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on " + HOST, e);
    }
  }

  /** Whether something accepts TCP connections on the port. */
  static boolean accepts(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(HOST, port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
