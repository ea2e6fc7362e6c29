package io.streamgate.gateway.resume;

import static java.util.Objects.requireNonNull;

import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandKeyword;
import io.lettuce.core.protocol.CommandType;
import io.netty.channel.EventLoop;
import io.streamgate.gateway.shared.SharedRedis;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

/**
 * The {@code XADD}s of one event loop's flushes, gathered while the loop runs its current tasks and sent to Redis
 * together by one task queued behind them: one hop to Lettuce's thread and one socket write for all the streams that
 * flushed in the same turn of the loop, instead of one each. Confined to its loop.
 */
final class MirrorWrites {

    private final SharedRedis redis;
    private final EventLoop loop;
    private final Runnable send = this::send;
    private List<AsyncCommand<byte[], byte[], ?>> pending = new ArrayList<>();
    private final List<Runnable> afterSend = new ArrayList<>();

    MirrorWrites(SharedRedis redis, EventLoop loop) {
        this.redis = requireNonNull(redis, "redis");
        this.loop = requireNonNull(loop, "loop");
    }

    /**
     * Queues {@code XADD key MAXLEN maxEntries id field value...} for the first {@code count} events, fields being
     * their sequences and values their bytes, the id that of {@link MirrorEntry#idOf the last}; the future completes
     * on a Lettuce thread. The arrays are read now and may be reused; the events' bytes are kept, never copied, until
     * Lettuce writes them to its socket.
     */
    CompletableFuture<String> xadd(byte[] key, long maxEntries, long[] sequences, byte[][] events, int count) {
        assert loop.inEventLoop();
        // Raw bytes through a codec that writes them straight into Lettuce's buffer: nothing is encoded again.
        CommandArgs<byte[], byte[]> args = new CommandArgs<>(ByteArrayCodec.INSTANCE)
                .addKey(key).add(CommandKeyword.MAXLEN).add(maxEntries).add(MirrorEntry.idOf(sequences[count - 1]));
        for (int i = 0; i < count; i++) {
            args.add(sequences[i]).addValue(events[i]);
        }
        AsyncCommand<byte[], byte[], String> command =
                new AsyncCommand<>(new Command<>(CommandType.XADD, new StatusOutput<>(ByteArrayCodec.INSTANCE), args));
        boolean first = pending.isEmpty();
        pending.add(command);
        if (first) {
            try {
                loop.execute(send);
            } catch (RejectedExecutionException shuttingDown) {
                send(); // the loop takes no more tasks: send now rather than never
            }
        }
        return command;
    }

    /**
     * Runs {@code then} on this loop once what is queued has been handed to Lettuce (at once when nothing is), so
     * that the commands it sends reach Redis after those: a stream's end after its last events.
     */
    void after(Runnable then) {
        assert loop.inEventLoop();
        if (pending.isEmpty()) {
            then.run();
        } else {
            afterSend.add(then);
        }
    }

    private void send() {
        List<AsyncCommand<byte[], byte[], ?>> batch = pending;
        pending = new ArrayList<>(batch.size());
        redis.dispatch(batch);
        if (!afterSend.isEmpty()) {
            List<Runnable> then = List.copyOf(afterSend);
            afterSend.clear();
            then.forEach(Runnable::run);
        }
    }
}
