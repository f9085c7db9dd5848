package io.gatehouse.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterMainTest {

    @Test
    void printsEveryServerAndStopsThemWhenStdinCloses(@TempDir Path dir) throws Exception {
        Path clusterDir = dir.resolve("cluster");
        Process main = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ClusterMain.class.getName(), clusterDir.toString(),
                "--replicas", "1")
                .redirectError(dir.resolve("main.err").toFile())
                .start();
        try {
            List<String> serverLines = new ArrayList<>();
            BufferedReader out = new BufferedReader(new InputStreamReader(main.getInputStream(), StandardCharsets.UTF_8));
            for (String line = out.readLine(); line != null && !line.isEmpty(); line = out.readLine()) {
                if (line.startsWith("server")) {
                    serverLines.add(line);
                }
            }
            assertThat(serverLines).hasSize(2);
            assertThat(serverLines.get(0)).matches("server1 127\\.0\\.0\\.1 \\d+");
            assertThat(serverLines.get(1)).matches("server2 127\\.0\\.0\\.1 \\d+");
            assertThat(Files.readAllLines(clusterDir.resolve("servers.txt"))).isEqualTo(serverLines);
            List<ProcessHandle> servers = main.descendants().filter(p -> p.info().command().orElse("").endsWith("mariadbd")).toList();
            assertThat(servers).hasSize(2);

            main.getOutputStream().close();

            assertThat(main.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(servers).noneMatch(ProcessHandle::isAlive);
            try (var left = Files.list(clusterDir)) {
                assertThat(left).isEmpty();
            }
        } finally {
            main.destroyForcibly();
        }
    }
}
