package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Builds plugin jars the way a third party would: the example projects under {@code examples/} with Maven (their
 * own unit tests included), and a module compiled here that claims a future API version. Runs on the test thread;
 * writes only under the directories it is given.
 */
final class ExamplePlugins {
    private ExamplePlugins() {
    }

    /** The repository's {@code examples/} directory (tests run with the module directory as working directory). */
    static Path examplesDir() {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent().resolve("examples");
        assertThat(dir).isDirectory();
        return dir;
    }

    /**
     * Copies {@code examples/<name>} into {@code work}, runs {@code mvn package} there (tests included) and returns
     * the jar it made.
     */
    static Path build(String name, Path work) throws Exception {
        return build(name, work, List.of());
    }

    /**
     * Like {@link #build(String, Path)}, but against the module API of this build (the reactor's
     * {@code gatehouse-api/target/classes}) rather than the one installed in the local Maven repository, which may
     * predate it: for an example that uses API added since the last install. The installed repository is only read:
     * Maven gets a repository of links to it in which {@code gatehouse-api} alone is this build's.
     */
    static Path buildAgainstThisApi(String name, Path work) throws Exception {
        Path repo = work.resolve("m2");
        Path installed = Path.of(System.getProperty("user.home"), ".m2", "repository");
        linkAllBut(installed, repo, "io");
        linkAllBut(installed.resolve("io"), repo.resolve("io"), "gatehouse");
        linkAllBut(installed.resolve("io/gatehouse"), repo.resolve("io/gatehouse"), "gatehouse-api");
        Path api = Files.createDirectories(repo.resolve("io/gatehouse/gatehouse-api/0.1.0-SNAPSHOT"));
        Path apiModule = examplesDir().getParent().resolve("gatehouse-api");
        Files.copy(apiModule.resolve("pom.xml"), api.resolve("gatehouse-api-0.1.0-SNAPSHOT.pom"));
        jarOf(apiModule.resolve("target/classes"), api.resolve("gatehouse-api-0.1.0-SNAPSHOT.jar"));
        return build(name, work, List.of("-Dmaven.repo.local=" + repo));
    }

    /** Makes {@code to} a directory of links to every entry of {@code from} except {@code except}. */
    private static void linkAllBut(Path from, Path to, String except) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> entries = Files.list(from)) {
            for (Path e : entries.toList()) {
                if (!e.getFileName().toString().equals(except)) {
                    Files.createSymbolicLink(to.resolve(e.getFileName().toString()), e);
                }
            }
        }
    }

    private static void jarOf(Path classes, Path jar) throws IOException {
        try (OutputStream os = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(os);
             Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                out.write(Files.readAllBytes(f));
                out.closeEntry();
            }
        }
    }

    private static Path build(String name, Path work, List<String> mavenOptions) throws Exception {
        Path src = examplesDir().resolve(name);
        Path copy = work.resolve(name);
        try (Stream<Path> files = Files.walk(src)) {
            for (Path p : files.filter(p -> !src.relativize(p).startsWith("target")).toList()) {
                Path to = copy.resolve(src.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        }
        List<String> command = new java.util.ArrayList<>(List.of(maven(), "-B", "-ntp", "-q"));
        command.addAll(mavenOptions);
        command.addAll(List.of("-f", copy.resolve("pom.xml").toString(), "package"));
        Subprocess.Output out = Subprocess.run(command, null, Duration.ofMinutes(5));
        assertThat(out.exitCode()).as(out.describe()).isZero();
        try (Stream<Path> jars = Files.list(copy.resolve("target"))) {
            Path jar = jars.filter(p -> p.toString().endsWith(".jar")).findFirst().orElseThrow();
            assertThat(copy.resolve("target/surefire-reports")).as("the example's own tests ran").isDirectoryContaining(
                    p -> p.getFileName().toString().endsWith(".txt"));
            return jar;
        }
    }

    private static String maven() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, "mvn"))) {
                return Path.of(dir, "mvn").toString();
            }
        }
        for (String home : new String[] {System.getenv("MAVEN_HOME"), System.getenv("M2_HOME")}) {
            if (home != null && Files.isExecutable(Path.of(home, "bin", "mvn"))) {
                return Path.of(home, "bin", "mvn").toString();
            }
        }
        throw new IllegalStateException("mvn is not on PATH: Maven is needed to build the example plugins");
    }

    /**
     * Compiles a filter module named {@code name} that declares API version {@code major.minor} and packs it as a
     * plugin jar in {@code dir}.
     */
    static Path moduleForApi(String name, int major, int minor, Path dir) throws IOException {
        String cls = "Future" + major + "Module";
        String source = "package plugin.future;\n"
                + "import io.gatehouse.api.*;\nimport io.gatehouse.api.filter.*;\nimport io.gatehouse.api.config.Params;\n"
                + "public final class " + cls + " implements FilterModule {\n"
                + "  public ModuleDescriptor descriptor() {\n"
                + "    return new ModuleDescriptor(\"" + name + "\", ModuleKind.FILTER, Maturity.EXPERIMENTAL,\n"
                + "        new ApiVersion(" + major + ", " + minor + "), \"from the future\", \"1.0\", java.util.List.of());\n"
                + "  }\n"
                + "  public Filter create(String n, Params p) { throw new IllegalStateException(\"never\"); }\n"
                + "}\n";
        Path srcDir = dir.resolve("src-" + name);
        Path classes = dir.resolve("classes-" + name);
        Files.createDirectories(srcDir.resolve("plugin/future"));
        Files.createDirectories(classes);
        Path file = srcDir.resolve("plugin/future/" + cls + ".java");
        Files.writeString(file, source);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int rc = javac.run(null, null, null, "-d", classes.toString(), "-cp", System.getProperty("java.class.path"),
                file.toString());
        assertThat(rc).as("javac of the test module").isZero();
        Path jar = dir.resolve(name + ".jar");
        try (OutputStream os = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(os)) {
            out.putNextEntry(new JarEntry("META-INF/services/io.gatehouse.api.Module"));
            out.write(("plugin.future." + cls + "\n").getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
            out.putNextEntry(new JarEntry("plugin/future/" + cls + ".class"));
            out.write(Files.readAllBytes(classes.resolve("plugin/future/" + cls + ".class")));
            out.closeEntry();
        }
        return jar;
    }
}
