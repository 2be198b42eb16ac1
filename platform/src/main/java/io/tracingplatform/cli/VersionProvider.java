package io.tracingplatform.cli;

import io.tracingplatform.release.ReleaseCatalog;
import picocli.CommandLine;

/** {@code --version}: the releases this build knows, newest last. */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        var catalog = ReleaseCatalog.builtIn();
        return new String[] {"platformctl (tracing-platform), releases: " + String.join(", ", catalog.names())};
    }
}
