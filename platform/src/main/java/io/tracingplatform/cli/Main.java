package io.tracingplatform.cli;

import io.tracingplatform.config.InvalidInputException;
import io.tracingplatform.config.StackFiles;
import io.tracingplatform.offline.OfflineEngine;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * platformctl: the days around {@code pulumi up}. Names, flags, exit codes and JSON keys are a contract
 * (DESIGN.md): add, never rename. Exit 0 done, 1 the command found problems, 2 usage or unreadable input.
 */
@Command(name = "platformctl",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Plan, render, onboard, cost and upgrade the tracing platform.",
        subcommands = {PlanCommand.class, RenderCommand.class, TenantCommand.class, CostCommand.class, UpgradeCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    public static final int OK = 0;
    public static final int PROBLEMS = 1;
    public static final int USAGE = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command.");
    }

    public static void main(String[] args) {
        io.tracingplatform.App.widenCommonPool();
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs one command line; tests call this with their own writers. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        var cli = new CommandLine(new Main());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            boolean debug = parseResult.hasMatchedOption("--debug")
                    || parseResult.subcommands().stream().anyMatch(s -> s.hasMatchedOption("--debug"));
            int code = exitCodeFor(ex);
            err.println("error: " + messageFor(ex));
            if (debug || code == 70) ex.printStackTrace(err);
            err.flush();
            return code;
        });
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    static int exitCodeFor(Exception ex) {
        if (ex instanceof InvalidInputException || ex instanceof StackFiles.UnknownStackException
                || ex instanceof UserError) {
            return USAGE;
        }
        if (ex instanceof ProblemsFound) return PROBLEMS;
        if (ex instanceof OfflineEngine.ProgramFailedException) return PROBLEMS;
        return 70; // EX_SOFTWARE: a bug; the stack trace is printed so it can be reported
    }

    static String messageFor(Exception ex) {
        return ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
    }

    /** Input the user must correct (exit 2); the message says how. */
    public static final class UserError extends RuntimeException {
        public UserError(String message) {
            super(message);
        }
    }

    /** The command ran and found problems (exit 1); details were already printed. */
    public static final class ProblemsFound extends RuntimeException {
        public ProblemsFound(String message) {
            super(message);
        }
    }
}
