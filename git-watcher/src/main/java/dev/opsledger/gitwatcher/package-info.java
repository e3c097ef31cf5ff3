/**
 * The git-watcher service: where the desired state enters OpsLedger. {@link
 * dev.opsledger.gitwatcher.GitWatcherConfiguration} wires the feature packages — {@code source}
 * (configuration), {@code git} (JGit edge), {@code commit} (message conventions), {@code manifest}
 * (pure validation), {@code watch} (the loop and checkpoint), {@code webhook} (push receivers) —
 * and {@link dev.opsledger.gitwatcher.GitWatcherProperties} is its public configuration.
 *
 * <p>Every bean name starts with {@code gitWatcher} so the service can share one context with the
 * other services under {@code opsledger up}.
 */
package dev.opsledger.gitwatcher;
