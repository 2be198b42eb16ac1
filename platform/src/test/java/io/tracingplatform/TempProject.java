package io.tracingplatform;

import io.tracingplatform.config.ProjectLayout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** A throwaway copy of the project's stack files and templates, with tenant files the test writes. */
public final class TempProject {
    public final Path root;
    public final ProjectLayout layout;

    public TempProject(Path dir, boolean withExampleTenants) throws IOException {
        this.root = dir;
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("Pulumi.yaml"), Files.readString(Path.of("Pulumi.yaml")));
        Files.createDirectories(dir.resolve("stacks/tenants"));
        Files.createDirectories(dir.resolve("templates"));
        for (String stack : Plans.STACKS) {
            Files.copy(Path.of("stacks/Pulumi." + stack + ".yaml"), dir.resolve("stacks/Pulumi." + stack + ".yaml"));
        }
        try (var files = Files.list(Path.of("templates"))) {
            for (Path f : files.toList()) Files.copy(f, dir.resolve("templates").resolve(f.getFileName()));
        }
        if (withExampleTenants) {
            try (var files = Files.list(Path.of("stacks/tenants"))) {
                for (Path f : files.toList()) Files.copy(f, dir.resolve("stacks/tenants").resolve(f.getFileName()));
            }
        }
        this.layout = new ProjectLayout(dir);
    }

    public Path tenant(String fileName, String text) throws IOException {
        return tenant(fileName, text.getBytes(StandardCharsets.UTF_8));
    }

    public Path tenant(String fileName, byte[] bytes) throws IOException {
        Path p = root.resolve("stacks/tenants").resolve(fileName);
        Files.write(p, bytes);
        return p;
    }

    /** A minimal valid tenant file body for {@code id}, joining dev with one namespace. */
    public static String minimal(String id, String namespace) {
        return """
                apiVersion: tracing-platform/v1
                kind: Tenant
                id: %s
                displayName: Team %s
                costCenter: CC-1
                contacts: [team@example.com]
                environments:
                  dev:
                    retention: 7d
                    instrumentation:
                      namespaces: [%s]
                """.formatted(id, id, namespace);
    }

    /** Replaces text in a stack file of this project; the text must be there (a fixture that moved fails loudly). */
    public void replaceInStack(String stack, String from, String to) throws IOException {
        Path f = root.resolve("stacks/Pulumi." + stack + ".yaml");
        String text = Files.readString(f);
        if (!text.contains(from)) throw new AssertionError("fixture: " + f + " has no '" + from.strip() + "'");
        Files.writeString(f, text.replace(from, to));
    }

    /** Sets one key of a stack file's {@code tracing-platform:gateway} block, creating the block where it has none. */
    public static void setGateway(Path stackFile, String key, String value) throws java.io.IOException {
        String text = java.nio.file.Files.readString(stackFile);
        String block = "  tracing-platform:gateway:\n";
        String line = "    " + key + ": " + value + "\n";
        java.nio.file.Files.writeString(stackFile, text.contains(block) ? text.replace(block, block + line) : text + block + line);
    }
}
