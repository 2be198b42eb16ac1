package io.tracingplatform.config;

import io.tracingplatform.yaml.LocatedYaml;
import io.tracingplatform.yaml.Location;
import io.tracingplatform.yaml.YamlProblem;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a stack file directly ({@code stacks/Pulumi.<stack>.yaml}), the offline engine's source of
 * configuration. Secure values ({@code secure: v1:...}) cannot be decrypted without the Pulumi CLI, so they
 * become {@link Secret#offline} placeholders.
 */
public final class StackFiles {
    /** Top-level keys Pulumi itself writes into stack files. */
    private static final Set<String> PULUMI_TOP_LEVEL = Set.of("config", "secretsprovider", "encryptedkey",
            "encryptionsalt", "environment");

    private StackFiles() {}

    /** Unknown stack: exit 2 with the list of stacks. */
    public static final class UnknownStackException extends RuntimeException {
        public UnknownStackException(String stack, List<String> known) {
            super("Unknown stack '" + stack + "'. Known stacks: " + String.join(", ", known)
                    + Suggest.didYouMean(stack, known));
        }
    }

    public static RawConfig read(ProjectLayout layout, String stack) {
        if (layout.findStack(stack).isEmpty()) throw new UnknownStackException(stack, layout.stacks());
        var path = layout.stackFile(stack);
        var display = layout.display(path);
        LocatedYaml.Document doc;
        try {
            doc = LocatedYaml.read(path, display);
        } catch (YamlProblem e) {
            throw new InvalidInputException("Stack file " + display + " cannot be read:", List.of(Problem.of(e)));
        }
        return fromDocument(stack, display, doc);
    }

    /** A stack file already parsed (tests build one from text). */
    public static RawConfig fromDocument(String stack, String display, LocatedYaml.Document doc) {
        var problems = new ArrayList<Problem>();
        var values = new LinkedHashMap<String, Object>();
        if (!(doc.root() instanceof Map<?, ?> top)) {
            throw new InvalidInputException("Stack file " + display + " is invalid:", List.of(new Problem(display,
                    Location.UNKNOWN, "", "must be a mapping with a 'config:' section.", "see stacks/Pulumi.dev.yaml.")));
        }
        for (var key : top.keySet()) {
            if (!PULUMI_TOP_LEVEL.contains(String.valueOf(key))) {
                problems.add(new Problem(display, doc.at(String.valueOf(key)), String.valueOf(key),
                        "is not a stack file key." + Suggest.didYouMean(String.valueOf(key), PULUMI_TOP_LEVEL),
                        "put settings under 'config:'."));
            }
        }
        Object config = top.get("config");
        if (config instanceof Map<?, ?> map) {
            for (var entry : map.entrySet()) {
                String key = String.valueOf(entry.getKey());
                String path = "config." + key;
                if (key.startsWith(RawConfig.NAMESPACE + ":")) {
                    String name = key.substring(RawConfig.NAMESPACE.length() + 1);
                    Object value = entry.getValue();
                    if (value instanceof Map<?, ?> m && m.size() == 1 && m.containsKey("secure")) {
                        value = Secret.offline(key);
                    }
                    values.put(name, value);
                } else if (!key.startsWith("pulumi:")) {
                    // Providers are created explicitly from tracing-platform settings; a provider's own key
                    // (aws:region, kubernetes:context) would be silently ignored.
                    problems.add(new Problem(display, doc.at(path), key,
                            "is ignored: the program creates its providers explicitly and reads only "
                                    + RawConfig.NAMESPACE + ":* settings.",
                            "pulumi config rm --stack " + stack + " '" + key + "' and set the matching "
                                    + RawConfig.NAMESPACE + " key (stacks/README.md)."));
                }
            }
        } else if (config != null) {
            problems.add(new Problem(display, doc.at("config"), "config", "must be a mapping of settings.", ""));
        }
        if (!problems.isEmpty()) throw new InvalidInputException("Stack file " + display + " is invalid:", problems);
        return new RawConfig(stack, display, values, doc, true);
    }
}
