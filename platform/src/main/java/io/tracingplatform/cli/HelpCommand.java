package io.tracingplatform.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code help [COMMAND [SUBCOMMAND]]}: picocli's own HelpCommand reads one level only, so {@code help tenant new}
 * printed the group's help; this one walks the whole path (the same text as {@code tenant new --help}).
 */
@Command(name = "help", helpCommand = true, description = "Show the help of a command, e.g. 'help tenant new'.")
final class HelpCommand implements Runnable {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "The command and subcommand.")
    List<String> path = new ArrayList<>();

    @Override
    public void run() {
        CommandLine target = spec.commandLine().getParent();
        for (String name : path) {
            CommandLine next = target.getSubcommands().get(name);
            if (next == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "Unknown command '" + name + "' under '"
                        + target.getCommandName() + "'; known: " + String.join(", ", target.getSubcommands().keySet()) + ".");
            }
            target = next;
        }
        target.usage(spec.commandLine().getOut());
    }
}
