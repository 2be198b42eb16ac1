// Command kube-controller-manager is the project's test build of the real Kubernetes controller manager (same
// k8s.io/kubernetes pin as the API server in ../go.mod): it only wires the upstream command into a binary. The
// engine checks run it with the garbage collector alone, which completes foreground deletions (the Kubernetes
// provider deletes with propagationPolicy Foreground; without a collector those objects never disappear).
package main

import (
	"os"

	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/logs/json/register" // --logging-format=json
	"k8s.io/kubernetes/cmd/kube-controller-manager/app"
)

func main() {
	os.Exit(cli.Run(app.NewControllerManagerCommand()))
}
