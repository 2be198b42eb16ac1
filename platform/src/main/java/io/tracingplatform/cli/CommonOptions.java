package io.tracingplatform.cli;

import io.tracingplatform.config.ProjectLayout;
import picocli.CommandLine.Option;

/** Options every command takes. */
public final class CommonOptions {
    public enum Format { text, json }

    @Option(names = "--format", defaultValue = "text", description = "Output format: ${COMPLETION-CANDIDATES}, any case (default: ${DEFAULT-VALUE}).")
    public Format format = Format.text;

    @Option(names = "--project-dir", hidden = true, description = "Repository root (default: found from the working directory).")
    public java.nio.file.Path projectDir;

    public ProjectLayout layout() {
        return projectDir != null ? new ProjectLayout(projectDir) : ProjectLayout.discover();
    }

    public boolean json() {
        return format == Format.json;
    }
}
