// Command kubelet is the upstream kubelet, built from the k8s.io/kubernetes
// module pinned in ../../go.mod. It mirrors k8s.io/kubernetes/cmd/kubelet/kubelet.go;
// cluster.sh runs it as the one real node (containerd through CRI).
package main

import (
	"context"
	"os"

	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/logs/json/register"          // --logging-format=json
	_ "k8s.io/component-base/metrics/prometheus/clientgo" // client-go metrics
	_ "k8s.io/component-base/metrics/prometheus/version"  // version metric
	"k8s.io/kubernetes/cmd/kubelet/app"
)

func main() {
	os.Exit(cli.Run(app.NewKubeletCommand(context.Background())))
}
