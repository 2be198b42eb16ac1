package io.tracingplatform.yaml;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * Reads one YAML document into plain Java values (LinkedHashMap, ArrayList, String, Long, Double, Boolean,
 * null) and remembers where every value stands, so validation errors can point at file:line:column.
 *
 * <p>Refuses the YAML hazards that have no place in reviewed configuration: files over the size limit,
 * bytes that are not UTF-8, anchors and aliases (expansion bombs), explicit tags, duplicate keys and more
 * than one document. Jackson streams the file, so nothing is expanded before it is checked.
 */
public final class LocatedYaml {
    /** Largest file accepted; stack and tenant files are a few KiB. */
    public static final int MAX_BYTES = 1024 * 1024;

    private static final YAMLFactory FACTORY = YAMLFactory.builder()
            .loaderOptions(loaderOptions())
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
            .build();

    private static LoaderOptions loaderOptions() {
        var options = new LoaderOptions();
        options.setCodePointLimit(MAX_BYTES);
        options.setMaxAliasesForCollections(0);
        options.setAllowDuplicateKeys(true); // detected below, with a position and both lines
        return options;
    }

    /** A parsed document: its root value and the location of every path ("" is the root). */
    public record Document(String file, Object root, Map<String, Location> locations) {
        public Location at(String path) {
            var location = locations.get(path);
            while (location == null && !path.isEmpty()) {
                int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
                path = cut < 0 ? "" : path.substring(0, cut);
                location = locations.get(path);
            }
            return location == null ? Location.UNKNOWN : location;
        }
    }

    private LocatedYaml() {}

    public static Document read(Path file, String displayName) throws YamlProblem {
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new YamlProblem(displayName, Location.UNKNOWN, "",
                        "file is " + Files.size(file) + " bytes, over the limit of " + MAX_BYTES + " bytes.",
                        "keep the file small; it holds settings, not data.");
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new YamlProblem(displayName, Location.UNKNOWN, "", "cannot be read: " + e.getMessage(),
                    "check that the file exists and is readable.");
        }
        return parse(bytes, displayName);
    }

    public static Document parse(byte[] bytes, String file) throws YamlProblem {
        if (bytes.length > MAX_BYTES) {
            throw new YamlProblem(file, Location.UNKNOWN, "",
                    "file is " + bytes.length + " bytes, over the limit of " + MAX_BYTES + " bytes.",
                    "keep the file small; it holds settings, not data.");
        }
        String text = decodeUtf8(bytes, file);
        var locations = new HashMap<String, Location>();
        try (var parser = (YAMLParser) FACTORY.createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return new Document(file, null, Map.of());
            }
            Object root = readValue(parser, file, "", locations);
            JsonToken next = parser.nextToken();
            if (next != null) {
                throw new YamlProblem(file, location(parser.currentTokenLocation()), "",
                        "holds more than one YAML document.", "keep one document per file; remove the '---' separator.");
            }
            return new Document(file, root, Collections.unmodifiableMap(locations));
        } catch (YamlProblem e) {
            throw e;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            var loc = e.getLocation() == null ? Location.UNKNOWN : location(e.getLocation());
            // SnakeYAML reports a tab in the indentation as a generic scanner error, often a line early: name it.
            var tab = indentationTab(text, loc.known() ? loc.line() + 1 : Integer.MAX_VALUE);
            if (tab != null) {
                throw new YamlProblem(file, tab, "", "has a tab in its indentation; YAML indents with spaces only.",
                        "replace the tab at that position with spaces (set your editor to insert spaces for .yaml files).");
            }
            throw new YamlProblem(file, loc, "", "is not valid YAML: " + firstLine(e.getOriginalMessage()) + ".",
                    "correct the syntax at that position (indentation, a missing ':' or quote).");
        } catch (IOException e) {
            throw new YamlProblem(file, Location.UNKNOWN, "", "is not valid YAML: " + firstLine(e.getMessage()) + ".",
                    "correct the syntax.");
        }
    }

    private static String decodeUtf8(byte[] bytes, String file) throws YamlProblem {
        var decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        var in = ByteBuffer.wrap(bytes);
        var out = CharBuffer.allocate(bytes.length + 1);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            int offset = in.position();
            int line = 1;
            for (int i = 0; i < offset; i++) {
                if (bytes[i] == '\n') line++;
            }
            throw new YamlProblem(file, new Location(line, 1), "",
                    "is not UTF-8 (invalid byte at offset " + offset + ").", "save the file as UTF-8.");
        }
        decoder.flush(out);
        String text = out.flip().toString();
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    private static Object readValue(YAMLParser p, String file, String path, Map<String, Location> locations)
            throws IOException, YamlProblem {
        Location here = location(p.currentTokenLocation());
        locations.put(path, here);
        if (p.isCurrentAlias()) {
            throw new YamlProblem(file, here, path, "uses a YAML alias (*" + p.getText() + ").",
                    "write the value out in full; anchors and aliases are not allowed.");
        }
        if (p.getCurrentAnchor() != null) {
            throw new YamlProblem(file, here, path, "defines a YAML anchor (&" + p.getCurrentAnchor() + ").",
                    "remove the anchor; anchors and aliases are not allowed.");
        }
        if (p.getTypeId() != null) {
            throw new YamlProblem(file, here, path, "uses an explicit YAML tag (" + p.getTypeId() + ").",
                    "remove the tag; write a plain value.");
        }
        JsonToken token = p.currentToken();
        switch (token) {
            case START_OBJECT: {
                var map = new LinkedHashMap<String, Object>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    Location keyAt = location(p.currentTokenLocation());
                    String child = path.isEmpty() ? key : path + "." + key;
                    if (map.containsKey(key)) {
                        throw new YamlProblem(file, keyAt, child,
                                "duplicate key '" + key + "' (first at line " + locations.get(child).line() + ").",
                                "keep one of the two entries.");
                    }
                    p.nextToken();
                    map.put(key, readValue(p, file, child, locations));
                    locations.put(child, keyAt);
                }
                return map;
            }
            case START_ARRAY: {
                var list = new ArrayList<Object>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    list.add(readValue(p, file, path + "[" + list.size() + "]", locations));
                }
                return list;
            }
            case VALUE_STRING:
                return p.getText();
            case VALUE_NUMBER_INT:
                if (p.getNumberType() == com.fasterxml.jackson.core.JsonParser.NumberType.BIG_INTEGER) {
                    throw new YamlProblem(file, here, path, "the number " + p.getText() + " is too large (the largest whole number "
                            + "accepted is " + Long.MAX_VALUE + ").", "write a smaller number; the field's limits are in "
                            + "templates/tenant.schema.json.");
                }
                return p.getLongValue();
            case VALUE_NUMBER_FLOAT:
                return p.getDoubleValue();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            default:
                throw new YamlProblem(file, here, path, "has an unexpected YAML token " + token + ".", "");
        }
    }

    /** The first tab in a line's leading whitespace, at or before {@code maxLine}, or null. */
    static Location indentationTab(String text, int maxLine) {
        int line = 1;
        int column = 1;
        boolean leading = true;
        for (int i = 0; i < text.length() && line <= maxLine; i++) {
            char c = text.charAt(i);
            if (c == '\n') {
                line++;
                column = 1;
                leading = true;
                continue;
            }
            if (leading && c == '\t') return new Location(line, column);
            if (c != ' ') leading = false;
            column++;
        }
        return null;
    }

    private static Location location(JsonLocation loc) {
        return new Location(loc.getLineNr(), loc.getColumnNr());
    }

    private static String firstLine(String message) {
        if (message == null) return "syntax error";
        int nl = message.indexOf('\n');
        return (nl < 0 ? message : message.substring(0, nl)).trim();
    }
}
