package io.tracingplatform.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where the project's files are: the directory holding {@code Pulumi.yaml}, its {@code stacks/} (stack files
 * and {@code tenants/}) and {@code templates/}. The real engine runs the program in the project directory;
 * platformctl passes it with {@code -Dplatform.root}.
 */
public record ProjectLayout(Path root) {
    public static final String ROOT_PROPERTY = "platform.root";

    public ProjectLayout {
        root = root.toAbsolutePath().normalize();
    }

    /** The project containing the working directory (or {@code -Dplatform.root}). */
    public static ProjectLayout discover() {
        var start = Path.of(System.getProperty(ROOT_PROPERTY, "")).toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("Pulumi.yaml"))) return new ProjectLayout(dir);
        }
        throw new InvalidInputException("No Pulumi.yaml found in " + start + " or above.", List.of(new Problem(
                start.toString(), io.tracingplatform.yaml.Location.UNKNOWN, "",
                "is not inside the tracing-platform repository.", "run platformctl from the repository.")));
    }

    public Path stacksDir() {
        return root.resolve("stacks");
    }

    public Path tenantsDir() {
        return stacksDir().resolve("tenants");
    }

    public Path templatesDir() {
        return root.resolve("templates");
    }

    public Path stackFile(String stack) {
        return stacksDir().resolve("Pulumi." + stack + ".yaml");
    }

    /** A path as the user should see it: relative to the repository root when inside it. */
    public String display(Path file) {
        var abs = file.toAbsolutePath().normalize();
        return abs.startsWith(root) ? root.relativize(abs).toString() : abs.toString();
    }

    /** Stack names that have a stack file, sorted. */
    public List<String> stacks() {
        if (!Files.isDirectory(stacksDir())) return List.of();
        try (Stream<Path> files = Files.list(stacksDir())) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("Pulumi.") && n.endsWith(".yaml"))
                    .map(n -> n.substring("Pulumi.".length(), n.length() - ".yaml".length()))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Optional<String> findStack(String stack) {
        return stacks().contains(stack) ? Optional.of(stack) : Optional.empty();
    }
}
