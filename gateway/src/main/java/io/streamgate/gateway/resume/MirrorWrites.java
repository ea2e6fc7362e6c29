package io.streamgate.gateway.resume;

import static java.util.Objects.requireNonNull;

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
    private List<AsyncCommand<String, byte[], ?>> pending = new ArrayList<>();
    private final List<Runnable> afterSend = new ArrayList<>();

    MirrorWrites(SharedRedis redis, EventLoop loop) {
        this.redis = requireNonNull(redis, "redis");
        this.loop = requireNonNull(loop, "loop");
    }

    /**
     * Queues {@code XADD key MAXLEN maxEntries id field value...}, fields being sequences and values the events'
     * bytes; the future completes on a Lettuce thread.
     */
    CompletableFuture<String> xadd(String key, long maxEntries, String id, List<Object> fieldsAndValues) {
        assert loop.inEventLoop();
        CommandArgs<String, byte[]> args = new CommandArgs<>(SharedRedis.codec())
                .addKey(key).add(CommandKeyword.MAXLEN).add(maxEntries).add(id);
        for (int i = 0; i + 1 < fieldsAndValues.size(); i += 2) {
            args.add((String) fieldsAndValues.get(i)).addValue((byte[]) fieldsAndValues.get(i + 1));
        }
        AsyncCommand<String, byte[], String> command =
                new AsyncCommand<>(new Command<>(CommandType.XADD, new StatusOutput<>(SharedRedis.codec()), args));
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
        List<AsyncCommand<String, byte[], ?>> batch = pending;
        pending = new ArrayList<>(batch.size());
        redis.dispatch(batch);
        if (!afterSend.isEmpty()) {
            List<Runnable> then = List.copyOf(afterSend);
            afterSend.clear();
            then.forEach(Runnable::run);
        }
    }
}
