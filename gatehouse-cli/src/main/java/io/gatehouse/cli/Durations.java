package io.gatehouse.cli;

import picocli.CommandLine;

/**
 * {@code --timeout} as maxctrl reads it: plain milliseconds ({@code 1000}) or a number with one of the suffixes
 * {@code h}, {@code m}, {@code s}, {@code ms} ({@code 10s}); anything else is refused naming the value. Stateless;
 * used by picocli while parsing, on the command's thread.
 */
public final class Durations implements CommandLine.ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
        return millis(value);
    }

    /** The duration in milliseconds. */
    public static long millis(String value) {
        String v = value.strip();
        int i = 0;
        while (i < v.length() && Character.isDigit(v.charAt(i))) {
            i++;
        }
        if (i == 0) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a valid duration"
                    + " (expected: milliseconds, or a number with the suffix h, m, s or ms)");
        }
        long n;
        try {
            n = Long.parseLong(v.substring(0, i));
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' is too long a duration");
        }
        return switch (v.substring(i)) {
            case "", "ms" -> n;
            case "s" -> n * 1000;
            case "m" -> n * 60_000;
            case "h" -> n * 3_600_000;
            default -> throw new CommandLine.TypeConversionException("'" + v.substring(i) + "' in '" + value
                    + "' is not a valid duration suffix (expected: h, m, s or ms)");
        };
    }
}
