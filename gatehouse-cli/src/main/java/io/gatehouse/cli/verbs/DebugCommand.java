package io.gatehouse.cli.verbs;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.cli.AdminClient;
import io.gatehouse.cli.CliException;
import io.gatehouse.cli.Gatectl;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code gatectl debug stacktrace [--raw] [--fold] [--interval MS] [--duration S]}, maxctrl's sampling profiler:
 * reads {@code maxscale/debug/stacktrace} once, or every {@code --interval} ms for {@code --duration} s, counts each
 * distinct stack and prints the most seen first: {@code Count: N} and the frames innermost first, or with
 * {@code --fold} one {@code root;...;leaf N} line per stack for flame graphs. {@code --raw} skips maxctrl's symbol
 * demangling, which Java frames never need, so it changes nothing. Runs on the command's thread.
 */
@Command(name = "debug", description = "Debugging commands")
public final class DebugCommand {
    @ParentCommand
    Gatectl gatectl;

    @Command(name = "stacktrace", description = "Sample the stacks of Gatehouse's threads")
    void stacktrace(@Option(names = "--raw", description = "Skip symbol demangling (Java frames need none)") boolean raw,
                    @Option(names = "--fold", description = "One line per stack, for flame graphs") boolean fold,
                    @Option(names = "--interval", defaultValue = "50",
                            description = "Sampling interval in milliseconds (default: ${DEFAULT-VALUE})") long interval,
                    @Option(names = "--duration", defaultValue = "0",
                            description = "Sampling duration in seconds (default: ${DEFAULT-VALUE})") double duration) {
        if (interval < 0 || duration < 0) {
            throw new CliException("--interval and --duration cannot be negative");
        }
        gatectl.eachHost(c -> {
            Map<String, Sample> samples = new LinkedHashMap<>();
            sample(c, samples);
            long end = System.nanoTime() + (long) (duration * 1e9);
            while (System.nanoTime() < end) {
                try {
                    Thread.sleep(interval);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CliException("interrupted");
                }
                sample(c, samples);
            }
            List<Sample> sorted = new ArrayList<>(samples.values());
            sorted.sort((a, b) -> Integer.compare(b.count, a.count));
            StringBuilder sb = new StringBuilder();
            for (Sample s : sorted) {
                if (fold) {
                    sb.append(String.join(";", s.stack)).append(' ').append(s.count).append('\n');
                } else {
                    sb.append(sb.length() == 0 ? "" : "\n").append("Count: ").append(s.count).append('\n');
                    for (int i = s.stack.size() - 1; i >= 0; i--) {
                        sb.append(s.stack.get(i)).append('\n');
                    }
                }
            }
            return sb.toString();
        });
    }

    /** One distinct stack, root first, and how often it was seen. */
    private static final class Sample {
        final List<String> stack;
        int count;

        Sample(List<String> stack) {
            this.stack = stack;
        }
    }

    private static void sample(AdminClient c, Map<String, Sample> samples) {
        for (JsonNode stack : c.get("maxscale/debug/stacktrace").path("data").path("attributes").path("profile")) {
            List<String> frames = new ArrayList<>();
            stack.forEach(f -> frames.add(f.asText()));
            samples.computeIfAbsent(String.join(";", frames), k -> new Sample(frames)).count++;
        }
    }
}
