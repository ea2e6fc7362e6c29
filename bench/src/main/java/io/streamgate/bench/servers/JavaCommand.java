package io.streamgate.bench.servers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Command lines for the Java children, with the JVM flags from {@code gateway/jvm.options} (the same file
 * {@code make run} uses), so the benchmarked gateway runs exactly as it would in production.
 */
final class JavaCommand {

    private static final Path OPTIONS = Path.of("gateway/jvm.options");
    private static final List<String> FALLBACK = List.of("-XX:+UseZGC", "-Xss256k",
            "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow");

    private JavaCommand() {}

    static List<String> jar(Path jar, String... args) {
        return jar(jar, List.of(), args);
    }

    /** As above, with {@code jvmOptions} after the file's. */
    static List<String> jar(Path jar, List<String> jvmOptions, String... args) {
        List<String> cmd = base();
        cmd.addAll(jvmOptions);
        cmd.add("-jar");
        cmd.add(jar.toString());
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Runs {@code mainClass} from this harness's own class path (the shaded benchmarks jar). */
    static List<String> main(String mainClass, String... args) {
        List<String> cmd = base();
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static List<String> base() {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions());
        return cmd;
    }

    private static List<String> jvmOptions() {
        try {
            return Files.readAllLines(OPTIONS).stream().map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        } catch (IOException e) {
            return FALLBACK;
        }
    }
}
