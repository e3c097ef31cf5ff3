package dev.opsledger.testkit.kube;

import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives a test class the JVM's real API server ({@link RealKubernetes#shared()}), as a parameter of
 * type {@link RealKubernetes}, and makes sure it runs before the class does (so that static
 * configuration such as {@code @DynamicPropertySource} may call {@code shared()}).
 *
 * <p>When the binaries are missing and cannot be built (no Go on PATH), the class is skipped with
 * one line saying why, except when {@code CI=true}: there it fails, because CI must run these.
 *
 * <pre>{@code
 * @ExtendWith(RealKubernetesExtension.class)
 * class SomethingIT {
 *   @Test
 *   void works(RealKubernetes kube) { kube.client().namespaces().list(); }
 * }
 * }</pre>
 */
public final class RealKubernetesExtension implements BeforeAllCallback, ParameterResolver {

  private static final Logger LOG = LoggerFactory.getLogger(RealKubernetesExtension.class);
  private static final AtomicBoolean SKIP_LOGGED = new AtomicBoolean();

  @Override
  public void beforeAll(ExtensionContext context) {
    server();
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == RealKubernetes.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return server();
  }

  /**
   * The shared server, or the current test aborted (skipped) when it cannot exist on this machine.
   */
  public static RealKubernetes server() {
    try {
      return RealKubernetes.shared();
    } catch (RealKubernetes.Unavailable e) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new IllegalStateException(
            "CI=true and the real Kubernetes API server cannot run: " + e.getMessage(), e);
      }
      String reason = "real Kubernetes API server tests skipped: " + e.getMessage();
      if (SKIP_LOGGED.compareAndSet(false, true)) {
        LOG.warn(reason);
      }
      Assumptions.abort(reason);
      throw e; // not reached: abort always throws
    }
  }
}
