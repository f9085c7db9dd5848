package io.gatehouse.api.config;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Parses configuration values by their {@link ParamType}, with MaxScale's spellings. Stateless and thread-safe.
 * Every method throws {@link IllegalArgumentException} when the text does not follow the type's rule; the caller
 * adds the section and parameter names to the message.
 */
public final class ValueParser {
    private ValueParser() {
    }

    /** Parses and checks {@code text} for {@code spec}, returning the typed value (Long, Boolean, Duration, ...). */
    public static Object parse(ParamSpec spec, String text) {
        return switch (spec.type()) {
            case STRING, PASSWORD, PATH, TARGET -> text;
            case INTEGER -> parseInteger(text);
            case COUNT -> {
                long v = parseInteger(text);
                if (v < 0) {
                    throw new IllegalArgumentException("negative");
                }
                yield v;
            }
            case SIZE -> parseSize(text);
            case DURATION -> parseDuration(text);
            case DURATION_MS -> parseDuration(text, true);
            case BOOL -> parseBool(text);
            case ENUM -> parseEnum(spec, text);
            case ENUM_MASK -> parseEnumMask(spec, text);
            case TARGET_LIST -> parseList(text);
            case REGEX -> parseRegex(text);
        };
    }

    public static long parseInteger(String text) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number");
        }
    }

    /** Sizes: a number with an optional k/M/G/T (powers of 1000) or Ki/Mi/Gi/Ti (powers of 1024) suffix. */
    public static long parseSize(String text) {
        String t = text.trim();
        int i = 0;
        while (i < t.length() && Character.isDigit(t.charAt(i))) {
            i++;
        }
        if (i == 0) {
            throw new IllegalArgumentException("not a size");
        }
        long n = Long.parseLong(t.substring(0, i));
        String suffix = t.substring(i);
        long mult = switch (suffix) {
            case "" -> 1L;
            case "k", "K" -> 1000L;
            case "M", "m" -> 1000L * 1000;
            case "G", "g" -> 1000L * 1000 * 1000;
            case "T", "t" -> 1000L * 1000 * 1000 * 1000;
            case "Ki", "ki", "KI" -> 1024L;
            case "Mi", "mi", "MI" -> 1024L * 1024;
            case "Gi", "gi", "GI" -> 1024L * 1024 * 1024;
            case "Ti", "ti", "TI" -> 1024L * 1024 * 1024 * 1024;
            default -> throw new IllegalArgumentException("unknown size suffix '" + suffix + "'");
        };
        return Math.multiplyExact(n, mult);
    }

    /** Durations: h, m, s, ms suffixes; a bare number means seconds, as in older MaxScale configurations. */
    public static Duration parseDuration(String text) {
        return parseDuration(text, false);
    }

    /** True when {@code text} is a bare number, the unit-less duration spelling MaxScale deprecates. */
    public static boolean lacksUnit(String text) {
        String t = text.trim();
        return !t.isEmpty() && t.chars().allMatch(Character::isDigit);
    }

    /** Durations with a suffix; a bare number means milliseconds when {@code bareMillis}, else seconds. */
    public static Duration parseDuration(String text, boolean bareMillis) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        int i = 0;
        while (i < t.length() && Character.isDigit(t.charAt(i))) {
            i++;
        }
        if (i == 0) {
            throw new IllegalArgumentException("not a duration");
        }
        long n = Long.parseLong(t.substring(0, i));
        return switch (t.substring(i)) {
            case "" -> bareMillis ? Duration.ofMillis(n) : Duration.ofSeconds(n);
            case "s" -> Duration.ofSeconds(n);
            case "ms" -> Duration.ofMillis(n);
            case "m", "min" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> throw new IllegalArgumentException("unknown duration suffix '" + t.substring(i) + "'");
        };
    }

    public static boolean parseBool(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "true", "on", "yes", "1" -> true;
            case "false", "off", "no", "0" -> false;
            default -> throw new IllegalArgumentException("not a boolean");
        };
    }

    private static String parseEnum(ParamSpec spec, String text) {
        String v = text.trim();
        for (String allowed : spec.values()) {
            if (allowed.equalsIgnoreCase(v)) {
                return allowed;
            }
        }
        throw new IllegalArgumentException("not an allowed value");
    }

    private static Set<String> parseEnumMask(ParamSpec spec, String text) {
        Set<String> out = new LinkedHashSet<>();
        for (String part : parseList(text)) {
            out.add(parseEnum(spec, part));
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("empty");
        }
        return Set.copyOf(out);
    }

    /** A comma-separated list with blanks trimmed and empty items dropped. */
    public static java.util.List<String> parseList(String text) {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (String part : text.split(",")) {
            String p = part.trim();
            if (!p.isEmpty()) {
                out.add(p);
            }
        }
        return java.util.List.copyOf(out);
    }

    private static Pattern parseRegex(String text) {
        String t = text.trim();
        if (t.length() >= 2 && t.startsWith("/") && t.endsWith("/")) {
            t = t.substring(1, t.length() - 1);
        }
        try {
            return Pattern.compile(t);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("invalid regular expression: " + e.getDescription());
        }
    }
}
