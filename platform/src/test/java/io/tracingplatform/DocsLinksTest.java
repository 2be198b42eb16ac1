package io.tracingplatform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every relative link in the project's Markdown points at a file or folder that exists (README was split). */
class DocsLinksTest {
    /** [text](target): inline Markdown links; targets with a scheme or only an anchor are not files. */
    static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");

    static Path root() {
        // Tests run in platform/; the repository root holds Pulumi.yaml.
        Path here = Path.of("").toAbsolutePath();
        return Files.exists(here.resolve("Pulumi.yaml")) ? here : here.getParent();
    }

    static List<Path> markdown(Path root) throws Exception {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(p -> p.toString().endsWith(".md"))
                    .filter(p -> {
                        String rel = root.relativize(p).toString();
                        return !rel.contains("target/") && !rel.startsWith(".git/") && !rel.contains("node_modules");
                    })
                    .sorted().toList();
        }
    }

    @Test
    void everyRelativeLinkResolves() throws Exception {
        Path root = root();
        var files = markdown(root);
        assertTrue(files.contains(root.resolve("README.md")) && files.contains(root.resolve("stacks/README.md"))
                && files.contains(root.resolve("templates/README.md")) && files.contains(root.resolve("platform/README.md")), files.toString());
        var broken = new ArrayList<String>();
        int checked = 0;
        for (Path md : files) {
            var lines = Files.readAllLines(md);
            for (int i = 0; i < lines.size(); i++) {
                var m = LINK.matcher(lines.get(i));
                while (m.find()) {
                    String target = m.group(1);
                    if (target.matches("[a-zA-Z][a-zA-Z0-9+.-]*:.*") || target.startsWith("#")) continue;
                    String file = target.replaceAll("#.*$", "");
                    checked++;
                    if (!Files.exists(md.getParent().resolve(file).normalize())) {
                        broken.add(root.relativize(md) + ":" + (i + 1) + ": " + target);
                    }
                }
            }
        }
        assertTrue(checked > 10, "links were found and checked: " + checked);
        assertEquals(List.of(), broken, "broken relative links");
    }

    @Test
    void theReadmeStaysANewcomersMap() throws Exception {
        String readme = Files.readString(root().resolve("README.md"));
        for (String section : List.of("## Quick start", "## Real use", "## Repository layout", "## Development", "## Where to read on")) {
            assertTrue(readme.contains(section), section);
        }
        assertTrue(readme.length() < 15_000, "reference material lives beside what it documents: README is " + readme.length() + " characters");
    }
}
