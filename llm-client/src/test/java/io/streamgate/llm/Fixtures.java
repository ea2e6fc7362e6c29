package io.streamgate.llm;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The recorded provider streams in {@code src/test/resources/fixtures/recorded} (see the README there), read from
 * the test classpath. The gateway's tests get them through this module's test-jar.
 */
public final class Fixtures {

    /** Where the recordings sit on the classpath. */
    public static final String RESOURCE_DIRECTORY = "/fixtures/recorded/";

    private Fixtures() {}

    /** The recording's bytes, exactly as recorded; fails if there is no such fixture. */
    public static byte[] bytes(String name) {
        String resource = RESOURCE_DIRECTORY + name;
        try (InputStream in = Fixtures.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("fixture not found on the test classpath: " + resource);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
