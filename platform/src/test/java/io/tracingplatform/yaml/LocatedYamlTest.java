package io.tracingplatform.yaml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LocatedYamlTest {
    static LocatedYaml.Document parse(String text) throws YamlProblem {
        return LocatedYaml.parse(text.getBytes(StandardCharsets.UTF_8), "t.yaml");
    }

    static YamlProblem rejected(byte[] bytes) {
        return assertThrows(YamlProblem.class, () -> LocatedYaml.parse(bytes, "t.yaml"));
    }

    static YamlProblem rejected(String text) {
        return rejected(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsValuesAndTheirPositions() throws Exception {
        var doc = parse("a:\n  b: 1\n  c: [x, 2.5, true]\nd: null\n");
        @SuppressWarnings("unchecked")
        var a = (Map<String, Object>) ((Map<String, Object>) doc.root()).get("a");
        assertEquals(1L, a.get("b"));
        assertEquals(List.of("x", 2.5, true), a.get("c"));
        assertEquals(new Location(2, 3), doc.at("a.b"));
        assertEquals(3, doc.at("a.c[1]").line());
        assertEquals(2, doc.at("a.b.missing").line(), "unknown paths fall back to the nearest known parent");
    }

    @Test
    void aTabInTheIndentationIsNamedAtItsPosition() {
        var e = rejected("a: 1\nenvironments:\n  dev:\n\tretention: 7d\n");
        assertTrue(e.getMessage().contains("tab"), e.getMessage());
        assertEquals(new Location(4, 1), e.location(), e.describe());
        var deeper = rejected("a:\n  b:\n   \t c: 1\n");
        assertEquals(new Location(3, 4), deeper.location(), deeper.describe());
    }

    @Test
    void tabsInsideValuesAreNotIndentation() throws Exception {
        assertEquals("x\ty", ((Map<?, ?>) parse("a: \"x\\ty\"\n").root()).get("a"));
    }

    @Test
    void aTooLargeIntegerNamesTheRealCauseAndTheField() {
        var e = rejected("ingestion:\n  maxTracesPerUser: 99999999999999999999999\n");
        assertTrue(e.getMessage().contains("99999999999999999999999 is too large"), e.getMessage());
        assertEquals("ingestion.maxTracesPerUser", e.path());
        assertEquals(2, e.location().line());
        assertTrue(!e.getMessage().contains("YAML") && !e.fix().contains("indentation"), e.describe());
    }

    @Test
    void duplicateKeysAreRejectedWithBothLines() {
        var e = rejected("a: 1\nb: 2\na: 3\n");
        assertEquals(3, e.location().line());
        assertTrue(e.getMessage().contains("first at line 1"), e.describe());
    }

    @Test
    void aliasesAndAnchorsAreRejected() {
        var anchor = rejected("a: &x [1, 2]\nb: *x\n");
        assertTrue(anchor.getMessage().contains("anchor"), anchor.describe());
        var bomb = rejected("a: &a [\"lol\",\"lol\"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: [*b,*b,*b,*b,*b,*b]\n");
        assertTrue(bomb.getMessage().contains("anchor") || bomb.getMessage().contains("alias"), bomb.describe());
    }

    @Test
    void multipleDocumentsAreRejected() {
        var e = rejected("a: 1\n---\nb: 2\n");
        assertTrue(e.getMessage().contains("more than one YAML document"), e.describe());
    }

    @Test
    void nonUtf8IsRejectedWithItsLine() {
        byte[] bytes = "a: 1\nb: caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1);
        var e = rejected(bytes);
        assertTrue(e.getMessage().contains("not UTF-8"), e.describe());
        assertEquals(2, e.location().line());
    }

    @Test
    void oversizeFilesAreRejectedBeforeParsing() {
        var e = rejected(new byte[LocatedYaml.MAX_BYTES + 1]);
        assertTrue(e.getMessage().contains("over the limit"), e.describe());
    }

    @Test
    void explicitTagsAreRejected() {
        var e = rejected("a: !!binary aGVsbG8=\n");
        assertTrue(e.getMessage().contains("tag"), e.describe());
    }

    @Test
    void syntaxErrorsCarryAPosition() {
        var e = rejected("a: [1, 2\nb: 3\n");
        assertTrue(e.location().known(), e.describe());
        assertTrue(e.describe().startsWith("t.yaml:"), e.describe());
    }

    @Test
    void emptyFileIsAnEmptyDocument() throws Exception {
        assertEquals(null, parse("").root());
    }

    @Test
    void generatedYamlIsSortedAndStable() {
        var text = Yaml.toYaml(Map.of("b", 1, "a", Map.of("z", "x", "c", "w", "y", "y", "n", "3")));
        // "y" and "3" are quoted: YAML 1.1 readers would take them for a boolean and a number.
        assertEquals("a:\n  c: w\n  \"n\": \"3\"\n  \"y\": \"y\"\n  z: x\nb: 1\n", text);
    }
}
