package io.tracingplatform.cli;

import io.tracingplatform.config.InvalidInputException;
import io.tracingplatform.config.Problem;
import io.tracingplatform.config.StackFiles;
import io.tracingplatform.offline.OfflineEngine;
import io.tracingplatform.yaml.Yaml;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * platformctl: the days around {@code pulumi up}. Names, flags, exit codes and JSON keys are a contract
 * (DESIGN.md): add, never rename. Exit 0 done, 1 the command found problems, 2 usage or unreadable input.
 *
 * <p>{@code scope = INHERIT} gives every subcommand {@code -h/--help} and {@code -V/--version} (picocli's usage
 * help skips required-option checks, so {@code plan --help} works without {@code --stack}); {@code --debug} is
 * inherited the same way, so it may stand before or after the subcommand.
 */
@Command(name = "platformctl",
        mixinStandardHelpOptions = true,
        scope = ScopeType.INHERIT,
        versionProvider = VersionProvider.class,
        description = "Plan, render, onboard, cost and upgrade the tracing platform.",
        subcommands = {PlanCommand.class, RenderCommand.class, TenantCommand.class, CostCommand.class, UpgradeCommand.class,
                HelpCommand.class})
public final class Main implements Runnable {
    public static final int OK = 0;
    public static final int PROBLEMS = 1;
    public static final int USAGE = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--debug", scope = ScopeType.INHERIT, description = "Print stack traces for errors.")
    boolean debug;

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
        cli.setCaseInsensitiveEnumValuesAllowed(true); // --format JSON works like --format json
        boolean json = wantsJson(args);
        boolean debugAnywhere = List.of(args).contains("--debug");
        var usageHandler = cli.getParameterExceptionHandler();
        cli.setParameterExceptionHandler((ex, rest) -> {
            int code = usageHandler.handleParseException(ex, rest); // the text and usage hint, on stderr
            if (json) {
                String field = ex.getArgSpec() instanceof CommandLine.Model.OptionSpec o ? o.longestName() : null;
                printJson(out, error(ex.getMessage(), null, null, null, field,
                        "see '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'."), List.of());
            }
            return code;
        });
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            boolean debug = debugAnywhere || parseResult.hasMatchedOption("--debug")
                    || parseResult.subcommands().stream().anyMatch(s -> s.hasMatchedOption("--debug"));
            int code = exitCodeFor(ex);
            String message = messageFor(ex);
            err.println("error: " + message + (debug || !isBug(ex) ? "" : " (rerun with --debug for the stack trace)"));
            if (debug) ex.printStackTrace(err);
            // ProblemsFound: the command already printed its report (JSON on stdout); a second document would break it.
            if (json && !(ex instanceof ProblemsFound pf && pf.problems().isEmpty())) jsonError(ex, message, out);
            err.flush();
            return code;
        });
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /** {@code --format json} anywhere on the line (any case, also {@code --format=json}). */
    static boolean wantsJson(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equalsIgnoreCase("--format=json")) return true;
            if (a.equals("--format") && i + 1 < args.length && args[i + 1].equalsIgnoreCase("json")) return true;
        }
        return false;
    }

    static void jsonError(Exception ex, String message, PrintWriter out) {
        List<Problem> problems = ex instanceof InvalidInputException i ? i.problems()
                : ex instanceof ProblemsFound pf ? pf.problems() : List.of();
        String summary = ex instanceof InvalidInputException i ? i.summary() : message;
        String fix = ex instanceof UserError u ? u.fix() : null;
        if (problems.size() == 1) {
            var p = problems.get(0);
            printJson(out, error(summary + " " + p.message(), p.file(), p.location().known() ? p.location().line() : null,
                    p.location().known() ? p.location().column() : null, p.field(), p.fix()), problems);
        } else {
            printJson(out, error(summary, null, null, null, ex instanceof UserError u ? u.field() : null, fix), problems);
        }
    }

    static Map<String, Object> error(String message, String file, Integer line, Integer column, String field, String fix) {
        var e = new LinkedHashMap<String, Object>();
        e.put("message", message);
        e.put("file", file);
        e.put("line", line);
        e.put("column", column);
        e.put("field", field);
        e.put("fix", fix);
        return e;
    }

    /** {"error": {"message","file","line","column","field","fix"}, "problems": [...]}: keys always present. */
    static void printJson(PrintWriter out, Map<String, Object> error, List<Problem> problems) {
        var doc = new LinkedHashMap<String, Object>();
        doc.put("error", error);
        var list = new ArrayList<Map<String, Object>>();
        for (Problem p : problems) list.add(TenantCommand.Validate.json(p));
        doc.put("problems", list);
        out.println(Yaml.toOutputJson(doc));
        out.flush();
    }

    static int exitCodeFor(Exception ex) {
        if (ex instanceof ProblemsFound) return PROBLEMS;
        if (ex instanceof OfflineEngine.ProgramFailedException) return PROBLEMS;
        // Everything else is input the user must correct or could not be read; a bug still exits 2 (the contract has
        // no other code), with a message that says how to get the stack trace.
        return USAGE;
    }

    /** Not a failure we expected: the message is the exception's class and text, not a sentence of ours. */
    static boolean isBug(Exception ex) {
        return !(ex instanceof InvalidInputException || ex instanceof StackFiles.UnknownStackException
                || ex instanceof UserError || ex instanceof ProblemsFound || ex instanceof OfflineEngine.ProgramFailedException
                || ex instanceof IOException || ex instanceof UncheckedIOException);
    }

    static String messageFor(Exception ex) {
        Throwable t = ex instanceof UncheckedIOException u ? u.getCause() : ex;
        if (t instanceof FileSystemException fs) {
            String file = fs.getFile();
            if (fs instanceof NoSuchFileException) return file + ": no such file or directory.";
            if (fs instanceof AccessDeniedException) return file + ": permission denied.";
            if (fs instanceof FileAlreadyExistsException) return file + ": already exists.";
            if (fs instanceof NotDirectoryException) return file + ": not a directory.";
            return file + ": " + (fs.getReason() == null ? fs.getClass().getSimpleName() : fs.getReason()) + ".";
        }
        if (t instanceof IOException io) return "cannot read or write: " + io.getMessage();
        if (t.getMessage() == null) return "internal error: " + t.getClass().getName();
        return isBug(ex) ? "internal error: " + t.getClass().getSimpleName() + ": " + t.getMessage() : t.getMessage();
    }

    /** Input the user must correct (exit 2); the message says how. */
    public static final class UserError extends RuntimeException {
        private final String field;
        private final String fix;

        public UserError(String message) {
            this(message, null, null);
        }

        /** {@code field}: the option or key at fault ("--endpoint"); {@code fix}: what to write instead. */
        public UserError(String message, String field, String fix) {
            super(message);
            this.field = field;
            this.fix = fix;
        }

        public String field() {
            return field;
        }

        public String fix() {
            return fix;
        }
    }

    /** The command ran and found problems (exit 1); details were already printed unless {@code problems} are given. */
    public static final class ProblemsFound extends RuntimeException {
        private final List<Problem> problems;

        public ProblemsFound(String message) {
            this(message, List.of());
        }

        public ProblemsFound(String message, List<Problem> problems) {
            super(message);
            this.problems = List.copyOf(problems);
        }

        public List<Problem> problems() {
            return problems;
        }
    }
}
