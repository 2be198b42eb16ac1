// Command pulumi is the real-server suite's build of the Pulumi CLI: a root command that assembles the
// upstream CLI's own command packages (github.com/pulumi/pulumi/pkg/v3, pinned in go.mod). Upstream's main
// package (pkg/cmd/pulumi) cannot be imported or `go install`ed (its go.mod carries replace directives), so
// this file wires the commands the engine scenario uses: login, stack, config, preview, up, refresh,
// destroy, plugin, state, version, whoami, about. Nothing of the engine lives here.
package main

import (
	"os"

	"github.com/spf13/cobra"

	"github.com/pulumi/pulumi/pkg/v3/cmd/pulumi/about"
	"github.com/pulumi/pulumi/pkg/v3/cmd/pulumi/auth"
	cmdBackend "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi/backend"
	"github.com/pulumi/pulumi/pkg/v3/cmd/pulumi/cancel"
	"github.com/pulumi/pulumi/pkg/v3/cmd/pulumi/cmd"
	"github.com/pulumi/pulumi/pkg/v3/cmd/pulumi/config"
	"github.com/pulumi/pulumi/pkg/v3/cmd/pulumi/operations"
	"github.com/pulumi/pulumi/pkg/v3/cmd/pulumi/plugin"
	cmdStack "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi/stack"
	"github.com/pulumi/pulumi/pkg/v3/cmd/pulumi/state"
	cmdVersion "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi/version"
	"github.com/pulumi/pulumi/pkg/v3/cmd/pulumi/whoami"
	pkgWorkspace "github.com/pulumi/pulumi/pkg/v3/workspace"
	"github.com/pulumi/pulumi/sdk/v3/go/common/env"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/cmdutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/logging"
	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
)

func main() {
	var cwd, color string
	var verbose int
	var logToStderr, logFlow bool
	root := &cobra.Command{
		Use:           "pulumi",
		Short:         "Pulumi CLI (tracing-platform test build)",
		Version:       version.Version,
		SilenceErrors: true,
		SilenceUsage:  true,
		PersistentPreRunE: func(c *cobra.Command, _ []string) error {
			if err := cmdutil.SetGlobalColorization(color); err != nil {
				return err
			}
			if cwd != "" {
				if err := os.Chdir(cwd); err != nil {
					return err
				}
			}
			logging.InitLogging(logToStderr, verbose, logFlow)
			return nil
		},
	}
	root.SetVersionTemplate("{{.Version}}\n")
	flags := root.PersistentFlags()
	flags.StringVarP(&cwd, "cwd", "C", "", "Run pulumi as if it had been started in another directory")
	flags.StringVar(&color, "color", "auto", "Colorize output. Choices are: always, never, raw, auto")
	flags.IntVarP(&verbose, "verbose", "v", 0, "Enable verbose logging (e.g., v=3); anything >3 is very verbose")
	flags.BoolVar(&logToStderr, "logtostderr", false, "Log to stderr instead of to files")
	flags.BoolVar(&logFlow, "logflow", false, "Flow log settings to child processes (like plugins)")
	flags.BoolVar(&cmdutil.DisableInteractive, "non-interactive", false, "Disable interactive mode for all commands")
	flags.BoolVarP(&cmdutil.Emoji, "emoji", "e", false, "Enable emojis in the output")

	root.AddCommand(
		auth.NewLoginCmd(pkgWorkspace.Instance, cmdBackend.DefaultLoginManager, env.Global()),
		auth.NewLogoutCmd(pkgWorkspace.Instance),
		whoami.NewWhoAmICmd(pkgWorkspace.Instance, cmdBackend.DefaultLoginManager),
		cmdStack.NewStackCmd(),
		config.NewConfigCmd(pkgWorkspace.Instance),
		state.NewStateCmd(),
		operations.NewPreviewCmd(),
		operations.NewUpCmd(),
		operations.NewRefreshCmd(),
		operations.NewDestroyCmd(),
		cancel.NewCancelCmd(pkgWorkspace.Instance),
		plugin.NewPluginCmd(),
		cmdVersion.NewVersionCmd(),
		about.NewAboutCmd(pkgWorkspace.Instance),
	)
	root.CompletionOptions.DisableDefaultCmd = true

	if err := root.Execute(); err != nil {
		cmd.DisplayErrorMessage(root.Context(), err, root.ErrOrStderr())
		logging.Flush()
		os.Exit(cmd.ExitCodeFor(err))
	}
	logging.Flush()
}
