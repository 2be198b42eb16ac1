package io.tracingplatform.cli;

import io.tracingplatform.App;
import io.tracingplatform.PlatformInputs;
import io.tracingplatform.config.ProjectLayout;
import io.tracingplatform.config.StackFiles;
import io.tracingplatform.offline.OfflineEngine;
import io.tracingplatform.offline.Plan;

/** Loads a stack's inputs from its files and runs the program offline; shared by plan, render and upgrade. */
final class StackRun {
    private StackRun() {}

    static PlatformInputs inputs(ProjectLayout layout, String stack) {
        return App.load(layout, StackFiles.read(layout, stack));
    }

    static Plan plan(ProjectLayout layout, String stack) {
        return OfflineEngine.plan(inputs(layout, stack));
    }
}
