// Command kube-apiserver is the upstream Kubernetes API server, built from its Go module so that
// tests can run a real server without downloading a release binary. It mirrors
// k8s.io/kubernetes/cmd/kube-apiserver/apiserver.go of the pinned release, plus exitWithParent.
package main

import (
	"os"
	_ "time/tzdata"

	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/logs/json/register"
	_ "k8s.io/component-base/metrics/prometheus/clientgo"
	_ "k8s.io/component-base/metrics/prometheus/version"
	"k8s.io/kubernetes/cmd/kube-apiserver/app"
)

func main() {
	exitWithParent()
	os.Exit(cli.Run(app.NewAPIServerCommand()))
}
