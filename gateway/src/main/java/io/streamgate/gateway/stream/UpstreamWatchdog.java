package io.streamgate.gateway.stream;

import static java.util.Objects.requireNonNull;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.streamgate.llm.ErrorCode;
import io.streamgate.llm.UpstreamError;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Ends a stream with {@code upstream_timeout} when the provider is silent too long: no first event within the
 * first-token timeout of a step, or no event within the idle timeout since the last one. Never while someone else
 * is the slow party ({@code excused}: the client is not reading, or tools are running); then it looks again later.
 *
 * <p>Silence means no bytes at all, not only no events: the transport reports every read from the provider
 * ({@code sinceActivity}), so a model that takes longer than the limits to write a tool call (whose pieces make no
 * event until the call is whole), or a provider that sends pings or comments while it thinks, is not cut.
 *
 * <p>One timer per stream, rescheduled rather than stacked. Event-loop confined. The conversation API's
 * {@link StreamBridge} and the drop-in endpoints' calls both use it.
 */
public final class UpstreamWatchdog {

    private final EventLoop loop;
    private final long firstTokenNanos;
    private final long idleNanos;
    private final BooleanSupplier excused;
    private final LongSupplier sinceActivity;
    private final Consumer<UpstreamError> onTimeout;
    private long stepStartNanos;
    private long lastEventNanos;
    private boolean heardFrom;
    private ScheduledFuture<?> check;

    public UpstreamWatchdog(
            EventLoop loop,
            Duration firstToken,
            Duration idle,
            BooleanSupplier excused,
            LongSupplier sinceActivity,
            Consumer<UpstreamError> onTimeout) {
        this.loop = requireNonNull(loop, "loop");
        this.firstTokenNanos = firstToken.toNanos();
        this.idleNanos = idle.toNanos();
        this.excused = requireNonNull(excused, "excused");
        this.sinceActivity = requireNonNull(sinceActivity, "sinceActivity");
        this.onTimeout = requireNonNull(onTimeout, "onTimeout");
    }

    /** A new upstream call starts: it must send its first event within the first-token timeout. */
    public void stepStarted() {
        stepStartNanos = loop.ticker().nanoTime();
        heardFrom = false;
        arm(firstTokenNanos);
    }

    /** Events arrived from the provider; from the first one of a step on, the idle limit applies. */
    public void heardFrom() {
        lastEventNanos = loop.ticker().nanoTime();
        if (!heardFrom) {
            heardFrom = true;
            arm(idleNanos);
        }
    }

    public void cancel() {
        if (check != null) {
            check.cancel(false);
            check = null;
        }
    }

    private void arm(long delayNanos) {
        cancel();
        check = loop.schedule(this::check, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void check() {
        check = null;
        long limit = heardFrom ? idleNanos : firstTokenNanos;
        long silent = Math.min(loop.ticker().nanoTime() - (heardFrom ? lastEventNanos : stepStartNanos),
                sinceActivity.getAsLong()); // activity before the step started is older than the step: no effect
        if (excused.getAsBoolean() || silent < limit) {
            arm(Math.max(limit - silent, limit / 4));
            return;
        }
        onTimeout.accept(new UpstreamError(ErrorCode.UPSTREAM_TIMEOUT, heardFrom
                ? "the provider sent nothing for " + TimeUnit.NANOSECONDS.toMillis(idleNanos) + " ms"
                : "the provider sent no first token within " + TimeUnit.NANOSECONDS.toMillis(firstTokenNanos) + " ms",
                true, 0));
    }
}
