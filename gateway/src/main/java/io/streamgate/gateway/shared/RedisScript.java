package io.streamgate.gateway.shared;

import static java.util.Objects.requireNonNull;

import io.lettuce.core.ScriptOutputType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;

/**
 * A Lua script run atomically by Redis: by its SHA-1 ({@code EVALSHA}), and sent in full ({@code EVAL}) only when the
 * server does not have it yet (after a restart, or on a new cluster node).
 */
public final class RedisScript {

    private final String source;
    private final String sha;
    private final ScriptOutputType output;

    public RedisScript(String source, ScriptOutputType output) {
        this.source = requireNonNull(source, "source");
        this.output = requireNonNull(output, "output");
        try {
            this.sha = HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Loads a script from the class path, next to {@code owner}. */
    public static RedisScript load(Class<?> owner, String resource, ScriptOutputType output) {
        return load(owner, output, resource);
    }

    /** One script made of several files from the class path, next to {@code owner}, in order (shared helpers first). */
    public static RedisScript load(Class<?> owner, ScriptOutputType output, String... resources) {
        StringBuilder source = new StringBuilder();
        for (String resource : resources) {
            try (var in = owner.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("missing script " + resource);
                }
                source.append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return new RedisScript(source.toString(), output);
    }

    /** Runs the script with {@code keys} and {@code args}; completes on a Lettuce thread. */
    public <T> CompletableFuture<T> run(SharedRedis redis, String[] keys, byte[]... args) {
        CompletableFuture<T> bySha = redis.call(c -> c.evalsha(sha, output, keys, args));
        return bySha.exceptionallyCompose(failure -> {
            Throwable f = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            if (f instanceof io.lettuce.core.RedisNoScriptException) {
                return redis.call(c -> c.eval(source, output, keys, args));
            }
            return CompletableFuture.failedFuture(failure);
        });
    }
}
