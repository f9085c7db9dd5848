package io.gatehouse.cli.verbs;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Encodes names for URL paths and query strings. Stateless. */
final class Paths {
    private Paths() {
    }

    static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
