package dev.opsledger.testkit.kube;

import java.util.concurrent.CountDownLatch;

/**
 * A test JVM in miniature, run as a child process by {@link NoStrayProcessIT}: it starts the shared
 * API server, prints the server pids, then either fails as a test would ({@code fail}: an uncaught
 * AssertionError ends the JVM) or waits to be killed ({@code wait}).
 */
public final class StrayProcessProbe {

  private StrayProcessProbe() {}

  public static void main(String[] args) throws Exception {
    RealKubernetes kube = RealKubernetesExtension.server();
    System.out.println("PIDS " + kube.pids());
    System.out.flush();
    if (args[0].equals("fail")) {
      // Fails once the parent has seen the servers run (it writes a line).
      new java.io.BufferedReader(new java.io.InputStreamReader(System.in)).readLine();
      throw new AssertionError("a test failed while the API server ran");
    }
    new CountDownLatch(1).await();
  }
}
