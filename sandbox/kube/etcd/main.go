// Command etcd is the upstream etcd server, built from its Go module so that tests can run the
// storage of a real Kubernetes API server without downloading a release binary. It mirrors
// go.etcd.io/etcd/server/v3's own main package, plus exitWithParent.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	exitWithParent()
	etcdmain.Main(os.Args)
}
