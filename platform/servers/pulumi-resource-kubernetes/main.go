// Command pulumi-resource-kubernetes is the real-server suite's build of the Pulumi Kubernetes provider: it
// serves the upstream provider package (github.com/pulumi/pulumi-kubernetes/provider/v4, pinned in go.mod)
// with the schema and Terraform mapping that ship in that module. Upstream's main embeds copies that its
// `go generate` writes; build.sh copies the two files from the module cache next to this file instead (into a
// scratch folder, never into the repository) and stamps the version, as upstream's generate.go does.
package main

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"os"

	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version"
)

//go:embed schema.json
var schema []byte

//go:embed terraform-mapping.json
var terraformMapping []byte

func main() {
	// The schema's version is the plugin's version (upstream's generate.go sets it the same way).
	var spec map[string]any
	if err := json.Unmarshal(schema, &spec); err != nil {
		fmt.Fprintln(os.Stderr, "pulumi-resource-kubernetes: embedded schema is not JSON:", err)
		os.Exit(1)
	}
	spec["version"] = version.Version
	versioned, err := json.Marshal(spec)
	if err != nil {
		fmt.Fprintln(os.Stderr, "pulumi-resource-kubernetes:", err)
		os.Exit(1)
	}
	provider.Serve("kubernetes", version.Version, versioned, terraformMapping)
}
