// Command etcd is the upstream etcd server (go.etcd.io/etcd/server/v3),
// pinned in ../../go.mod. The cluster's kube-apiserver stores its data here.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
