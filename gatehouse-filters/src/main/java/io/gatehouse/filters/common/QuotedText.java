package io.gatehouse.filters.common;

/**
 * String values of {@code maxscale.cnf} that may be written in double quotes (MaxScale's {@code separator=" | "}):
 * the quotes are not part of the value. Stateless.
 */
public final class QuotedText {
    private QuotedText() {
    }

    /** {@code text} without one pair of surrounding double quotes, if it has them. */
    public static String unquote(String text) {
        if (text.length() >= 2 && text.startsWith("\"") && text.endsWith("\"")) {
            return text.substring(1, text.length() - 1);
        }
        return text;
    }
}
