package io.streamgate.gateway.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The recorded provider streams in {@code shared/fixtures/recorded}, found beside the checkout (CI clones the
 * repository next to {@code shared/}) or inside it; {@code -Dstreamgate.fixtures=DIR} overrides.
 */
public final class Fixtures {

    private Fixtures() {}

    public static byte[] recorded(String name) {
        try {
            return Files.readAllBytes(dir().resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Path dir() {
        String override = System.getProperty("streamgate.fixtures");
        if (override != null) {
            return Path.of(override);
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            for (Path candidate : new Path[] {p.resolve("shared/fixtures/recorded"), p.resolve("../shared/fixtures/recorded")}) {
                if (Files.isDirectory(candidate)) {
                    return candidate.normalize();
                }
            }
        }
        throw new IllegalStateException("shared/fixtures/recorded not found above " + Path.of("").toAbsolutePath()
                + "; set -Dstreamgate.fixtures=DIR");
    }
}
