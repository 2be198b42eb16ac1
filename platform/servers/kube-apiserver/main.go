// Command kube-apiserver is the project's test build of the real Kubernetes API
// server: it only wires the upstream command (k8s.io/kubernetes, pinned in
// go.mod) into a binary. Nothing of the server itself lives here.
package main

import (
	"os"

	_ "time/tzdata" // CronJob time zones without the host's zoneinfo

	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/logs/json/register" // --logging-format=json
	"k8s.io/kubernetes/cmd/kube-apiserver/app"
)

func main() {
	os.Exit(cli.Run(app.NewAPIServerCommand()))
}
