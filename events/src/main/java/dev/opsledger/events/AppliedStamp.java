package dev.opsledger.events;

/**
 * What the applier adds to every Kubernetes object it applies, beyond the manifest from Git: the
 * label {@value #MANAGED_BY_LABEL}={@value #MANAGED_BY_VALUE} and the annotations {@value #SOURCE}
 * and {@value #REVISION}.
 *
 * <p>The state-collector recognises OpsLedger's objects by the label; the differ knows that
 * OpsLedger owns these three fields although no manifest declares them, so they are never reported
 * as removed from Git.
 */
public final class AppliedStamp {

  /** The standard label naming the tool that manages an object. */
  public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";

  /** Its value. */
  public static final String MANAGED_BY_VALUE = "opsledger";

  /** The annotation naming the source that declares the object. */
  public static final String SOURCE = "opsledger.dev/source";

  /** The annotation naming the applied revision. */
  public static final String REVISION = "opsledger.dev/revision";

  private AppliedStamp() {}
}
