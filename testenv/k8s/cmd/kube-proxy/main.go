// Command kube-proxy is the upstream kube-proxy, built from the
// k8s.io/kubernetes module pinned in ../../go.mod. It mirrors
// k8s.io/kubernetes/cmd/kube-proxy/proxy.go; cluster.sh runs it in iptables
// mode for the real node.
package main

import (
	"os"

	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/logs/json/register"          // --logging-format=json
	_ "k8s.io/component-base/metrics/prometheus/clientgo" // client-go metrics
	_ "k8s.io/component-base/metrics/prometheus/version"  // version metric
	"k8s.io/kubernetes/cmd/kube-proxy/app"
)

func main() {
	os.Exit(cli.Run(app.NewProxyCommand()))
}
