package io.streamgate.llm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the recorded provider streams in {@code shared/fixtures/recorded}, which lives outside the repository
 * (a sibling of the checkout in CI, {@code /work/shared} here).
 *
 * <p>The system property {@code streamgate.fixtures} names the directory outright; otherwise each parent of the
 * working directory is tried for {@code shared/fixtures/recorded}, so it works from the module, the repository
 * root and any worktree without configuration.
 */
public final class Fixtures {

    public static final String PROPERTY = "streamgate.fixtures";
    private static final Path RELATIVE = Path.of("shared", "fixtures", "recorded");

    private Fixtures() {}

    /** The fixture directory; fails with the places it looked if there is none. */
    public static Path directory() {
        String configured = System.getProperty(PROPERTY);
        if (configured != null && !configured.isBlank()) {
            Path dir = Path.of(configured).toAbsolutePath();
            if (!Files.isDirectory(dir)) {
                throw new IllegalStateException("-D" + PROPERTY + " names no directory: " + dir);
            }
            return dir;
        }
        Path start = Path.of("").toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(RELATIVE);
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no " + RELATIVE + " in " + start + " or any parent; set -D" + PROPERTY);
    }

    public static Path path(String name) {
        Path file = directory().resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("fixture not found: " + file);
        }
        return file;
    }

    public static byte[] bytes(String name) {
        try {
            return Files.readAllBytes(path(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
