package io.gatehouse.monitors.mariadbmon;

import io.gatehouse.api.server.MonitoredServer;
import io.gatehouse.api.server.ServerStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the monitor's {@code script} for server events named in {@code events}, with MaxScale's placeholders
 * replaced ($INITIATOR, $PARENT, $CHILDREN, $EVENT, $CREDENTIALS, $NODELIST, $LIST, $MASTERLIST, $SLAVELIST,
 * $SYNCEDLIST). Runs on the monitor's thread and waits up to {@code script_timeout}; the script's output is logged.
 * No buffers.
 */
final class ScriptHook {
    private static final Logger LOG = LoggerFactory.getLogger(ScriptHook.class);

    private ScriptHook() {
    }

    /** One server event of a monitoring pass. */
    record Event(String name, MonitoredServer server, String parent, List<String> children) {
    }

    static void run(String script, Set<String> events, long timeoutMillis, Event e, List<MonitoredServer> all,
                    String user, String password) {
        if (script == null || script.isBlank() || !(events.contains("all") || events.contains(e.name()))) {
            return;
        }
        List<String> command = new ArrayList<>();
        for (String word : split(script)) {
            command.add(substitute(word, e, all, user, password));
        }
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.PIPE).start();
            p.getOutputStream().close();
            if (!p.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                LOG.error("Script '{}' for event {} of {} did not finish within {} ms and was killed", command.get(0),
                        e.name(), e.server().name(), timeoutMillis);
                return;
            }
            String text = new String(p.getInputStream().readAllBytes()).strip();
            if (p.exitValue() != 0) {
                LOG.error("Script '{}' for event {} of {} exited with {}{}", command.get(0), e.name(),
                        e.server().name(), p.exitValue(), text.isEmpty() ? "" : ": " + text);
            } else {
                LOG.info("Script '{}' ran for event {} of {}{}", command.get(0), e.name(), e.server().name(),
                        text.isEmpty() ? "" : ": " + text);
            }
        } catch (Exception ex) {
            LOG.error("Script '{}' for event {} could not run: {}", command.get(0), e.name(), ex.toString());
        }
    }

    static String substitute(String word, Event e, List<MonitoredServer> all, String user, String password) {
        if (word.indexOf('$') < 0) {
            return word;
        }
        return word.replace("$INITIATOR", where(e.server()))
                .replace("$PARENT", e.parent() == null ? "" : e.parent())
                .replace("$CHILDREN", String.join(",", e.children()))
                .replace("$EVENT", e.name())
                .replace("$CREDENTIALS", user + ":" + password)
                .replace("$NODELIST", list(all, s -> ServerStatus.has(s.status(), ServerStatus.RUNNING)))
                .replace("$LIST", list(all, s -> true))
                .replace("$MASTERLIST", list(all, s -> ServerStatus.has(s.status(), ServerStatus.MASTER)))
                .replace("$SLAVELIST", list(all, s -> ServerStatus.has(s.status(), ServerStatus.SLAVE)))
                .replace("$SYNCEDLIST", list(all, s -> ServerStatus.has(s.status(), ServerStatus.SYNCED)));
    }

    /** A server as MaxScale's scripts receive it: {@code [address]:port}, or the socket path. */
    static String where(MonitoredServer s) {
        return s.socket() != null && s.address() == null ? s.socket() : "[" + s.address() + "]:" + s.port();
    }

    private static String list(List<MonitoredServer> all, Predicate<MonitoredServer> which) {
        List<String> out = new ArrayList<>();
        for (MonitoredServer s : all) {
            if (which.test(s)) {
                out.add(where(s));
            }
        }
        return String.join(",", out);
    }

    /** Splits the script line into words; double or single quotes keep spaces inside one word. */
    static List<String> split(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        char quote = 0;
        boolean inWord = false;
        for (char c : line.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    cur.append(c);
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    out.add(cur.toString());
                    cur.setLength(0);
                    inWord = false;
                }
            } else {
                cur.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            out.add(cur.toString());
        }
        return out;
    }
}
