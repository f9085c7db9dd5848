package io.gatehouse.filters.rewritefilter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a rewritefilter {@code template_file} into compiled rules, in either of MaxScale's formats, chosen by the
 * file's extension: the rewrite-file format ({@code .rf}: each template starts with a {@code %%} line, then
 * {@code name: value} options, a {@code %} line, the match template, a {@code %} line and the replace template;
 * {@code #} starts a comment line; empty lines are ignored) or JSON ({@code .json}: an object whose
 * {@code templates} list holds objects with {@code match_template}, {@code replace_template} and the options).
 * Stateless; any thread.
 */
final class TemplateFile {
    /** Which part of an rf template the lines being read belong to. */
    private enum Part { NONE, OPTIONS, MATCH, REPLACE }

    private TemplateFile() {
    }

    /**
     * The rules of {@code file}, with {@code defaults} for options a template does not set. Throws
     * {@link IllegalArgumentException} with the file, the line or template number and what is wrong, so a broken file
     * is refused as a whole.
     */
    static List<RewriteRule> read(Path file, TemplateOptions defaults) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("cannot read '" + file + "': " + e);
        }
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".json")) {
            return json(file, text, defaults);
        }
        if (name.endsWith(".rf")) {
            return rf(file, text, defaults);
        }
        throw new IllegalArgumentException("'" + file + "' (expected: a .rf or .json file)");
    }

    /** The rf format, read line by line. */
    static List<RewriteRule> rf(Path file, String text, TemplateOptions defaults) {
        List<RewriteRule> rules = new ArrayList<>();
        Part part = Part.NONE;
        TemplateOptions options = defaults;
        StringBuilder match = new StringBuilder();
        StringBuilder replace = new StringBuilder();
        int start = 0;
        String[] lines = text.split("\r?\n", -1);
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n];
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String where = file + ":" + (n + 1);
            if (line.equals("%%")) {
                if (part != Part.NONE) {
                    rules.add(finish(file + ":" + start, part, options, match, replace));
                }
                part = Part.OPTIONS;
                options = defaults;
                match.setLength(0);
                replace.setLength(0);
                start = n + 1;
            } else if (line.equals("%")) {
                part = switch (part) {
                    case OPTIONS -> Part.MATCH;
                    case MATCH -> Part.REPLACE;
                    default -> throw new IllegalArgumentException(where + ": '%' (expected: '%%' to start a template"
                            + (part == Part.REPLACE ? "; a template has one match and one replace part" : "") + ")");
                };
            } else {
                switch (part) {
                    case NONE -> throw new IllegalArgumentException(where + ": '" + line
                            + "' (expected: '%%' to start a template, '#' for a comment)");
                    case OPTIONS -> options = option(where, options, line);
                    case MATCH -> append(match, line);
                    case REPLACE -> append(replace, line);
                }
            }
        }
        if (part != Part.NONE) {
            rules.add(finish(file + ":" + start, part, options, match, replace));
        }
        return rules;
    }

    private static TemplateOptions option(String where, TemplateOptions options, String line) {
        int colon = line.indexOf(':');
        if (colon <= 0 || Character.isWhitespace(line.charAt(colon - 1))) {
            throw new IllegalArgumentException(where + ": '" + line
                    + "' (expected: an option as name: value, the colon right after the name)");
        }
        try {
            return options.with(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage());
        }
    }

    private static void append(StringBuilder b, String line) {
        if (!b.isEmpty()) {
            b.append('\n');
        }
        b.append(line);
    }

    private static RewriteRule finish(String where, Part part, TemplateOptions options, StringBuilder match,
            StringBuilder replace) {
        if (part != Part.REPLACE) {
            throw new IllegalArgumentException(where + ": the template has no "
                    + (part == Part.OPTIONS ? "match and replace parts" : "replace part")
                    + " (expected: %%, options, %, match template, %, replace template)");
        }
        return compile(where, options, match.toString(), replace.toString());
    }

    /** The JSON format. */
    static List<RewriteRule> json(Path file, String text, TemplateOptions defaults) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(file + ": not valid JSON: " + e.getOriginalMessage());
        }
        JsonNode list = root == null ? null : root.get("templates");
        if (list == null || !list.isArray()) {
            throw new IllegalArgumentException(file + ": expected an object with a \"templates\" list");
        }
        List<RewriteRule> rules = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String where = file + ": template " + (i + 1);
            JsonNode t = list.get(i);
            if (!t.isObject()) {
                throw new IllegalArgumentException(where + ": expected an object");
            }
            TemplateOptions options = defaults;
            String match = null;
            String replace = null;
            for (Iterator<Map.Entry<String, JsonNode>> it = t.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode v = e.getValue();
                switch (e.getKey()) {
                    case "match_template" -> match = v.isTextual() ? v.asText() : null;
                    case "replace_template" -> replace = v.isTextual() ? v.asText() : null;
                    default -> {
                        if (!v.isValueNode()) {
                            throw new IllegalArgumentException(where + ": " + e.getKey() + " (expected: a value)");
                        }
                        try {
                            options = options.with(e.getKey(), v.asText());
                        } catch (IllegalArgumentException bad) {
                            throw new IllegalArgumentException(where + ": " + bad.getMessage());
                        }
                    }
                }
            }
            if (match == null || replace == null) {
                throw new IllegalArgumentException(where + ": needs the strings match_template and replace_template");
            }
            rules.add(compile(where, options, match, replace));
        }
        return rules;
    }

    private static RewriteRule compile(String where, TemplateOptions options, String match, String replace) {
        try {
            return options.grammar() == TemplateOptions.Grammar.NATIVE ? NativeTemplate.compile(options, match, replace)
                    : RegexTemplate.compile(options, match, replace);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage());
        }
    }
}
