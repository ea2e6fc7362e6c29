package io.streamgate.bench.proc;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A server the harness started (simulator, gateway, nginx) that must not outlive it.
 *
 * <p>Why a shutdown hook as well as {@link #close()}: the harness can end by an exception, by Ctrl-C or by its
 * duration limit; in each case the children (and their own children, such as nginx workers) are killed, first
 * politely, then forcibly after a short grace period.
 */
public final class ChildProcess implements AutoCloseable {

    private static final Duration GRACE = Duration.ofSeconds(5);

    private final String name;
    private final Process process;
    private final Thread hook;

    private ChildProcess(String name, Process process) {
        this.name = name;
        this.process = process;
        this.hook = new Thread(this::kill, "kill-" + name);
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /**
     * Starts {@code command} with {@code extraEnv} added to this process's environment. Stderr goes to
     * {@code log}; stdout too unless {@code keepStdout}, in which case the caller reads it with
     * {@link #awaitLine}.
     */
    public static ChildProcess start(String name, List<String> command, Map<String, String> extraEnv, Path log,
            boolean keepStdout) {
        try {
            java.nio.file.Files.deleteIfExists(log); // one run per log file; both streams then append to it
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        if (!keepStdout) {
            builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        }
        builder.environment().putAll(extraEnv);
        try {
            return new ChildProcess(name, builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + command, e);
        }
    }

    /**
     * Reads stdout until a line starts with {@code prefix} and returns the rest of it; bounded by {@code timeout}.
     * Stdout keeps being drained (and discarded) afterwards, so the child never blocks on a full pipe.
     */
    public String awaitLine(String prefix, Duration timeout) {
        CompletableFuture<String> line = new CompletableFuture<>();
        Thread.ofVirtual().name("stdout-" + name).start(() -> {
            try (BufferedReader reader = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = reader.readLine()) != null; ) {
                    if (!line.isDone() && l.startsWith(prefix)) {
                        line.complete(l.substring(prefix.length()).strip());
                    }
                }
                line.completeExceptionally(new IllegalStateException(name + " ended before printing " + prefix));
            } catch (IOException e) {
                line.completeExceptionally(e);
            }
        });
        try {
            return line.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException(name + " did not print " + prefix + " within " + timeout, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(name + " failed to start: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    public long pid() {
        return process.pid();
    }

    public String name() {
        return name;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** This process and all its descendants' pids, the process first. */
    public List<Long> pids() {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(process.toHandle()),
                process.toHandle().descendants()).map(ProcessHandle::pid).toList();
    }

    @Override
    public void close() {
        kill();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down: the hook is running or has run
        }
    }

    private void kill() {
        List<ProcessHandle> descendants = process.toHandle().descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }
}
