/**
 * A real Kubernetes API server for tests: kube-apiserver and etcd built from their Go modules
 * ({@code sandbox/kube/build.sh}) and run on loopback, one per test JVM ({@link
 * dev.opsledger.testkit.kube.RealKubernetes}), reached through {@link
 * dev.opsledger.testkit.kube.RealKubernetesExtension}. Invariant: no server process outlives the
 * JVM that started it (shutdown hook, and the binaries watch their parent).
 */
package dev.opsledger.testkit.kube;
