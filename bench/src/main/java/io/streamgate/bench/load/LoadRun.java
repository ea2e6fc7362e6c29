package io.streamgate.bench.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

/**
 * One pass of load in flight: a launcher thread opens streams no faster than the plan's connect rate and never
 * more than its concurrency at once; results land in a fixed-size array, one slot per stream.
 *
 * <p>Every wait is bounded by the plan's deadline. At the deadline the launcher stops and {@link #awaitDone}
 * closes whatever is still open, so a pass always ends.
 */
public final class LoadRun {

    private static final String RUN_ID = Long.toString(System.currentTimeMillis(), 36);
    private static final AtomicInteger PASSES = new AtomicInteger();

    private final Bootstrap bootstrap;
    private final Target target;
    private final LoadPlan plan;
    private final String idPrefix;
    private final AtomicReferenceArray<StreamResult> results;
    private final Semaphore slots;
    private final CountDownLatch done;
    private final CountDownLatch opened;
    private final Map<Integer, StreamHandler> open = new ConcurrentHashMap<>();
    private final Thread launcher;
    private volatile int launched;

    private LoadRun(Bootstrap bootstrap, Target target, LoadPlan plan) {
        this.bootstrap = bootstrap;
        this.target = target;
        this.plan = plan;
        this.idPrefix = plan.followUps()
                ? "bench-" + RUN_ID + "-" + target.name() + "-"
                : "bench-" + RUN_ID + "-" + PASSES.incrementAndGet() + "-";
        this.results = new AtomicReferenceArray<>(plan.streams());
        this.slots = new Semaphore(plan.concurrency());
        this.done = new CountDownLatch(plan.streams());
        this.opened = new CountDownLatch(plan.streams());
        this.launcher = Thread.ofPlatform().daemon().name("bench-launcher-" + target.name()).unstarted(this::launchAll);
    }

    static LoadRun launch(Bootstrap bootstrap, Target target, LoadPlan plan) {
        LoadRun run = new LoadRun(bootstrap, target, plan);
        run.launcher.start();
        return run;
    }

    private void launchAll() {
        long interval = TimeUnit.SECONDS.toNanos(1) / plan.connectsPerSecond();
        long begin = System.nanoTime();
        for (int i = 0; i < plan.streams(); i++) {
            long wait = plan.deadline() - System.nanoTime();
            try {
                if (wait <= 0 || !slots.tryAcquire(wait, TimeUnit.NANOSECONDS)) {
                    break;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            long due = begin + i * interval;
            long now;
            while ((now = System.nanoTime()) < due) {
                LockSupport.parkNanos(due - now);
            }
            launchOne(i);
            launched = i + 1;
        }
    }

    private void launchOne(int index) {
        long start = System.nanoTime();
        StreamHandler handler = new StreamHandler(target, idPrefix + index, plan.messages().apply(index), start, plan.hold(),
                h -> opened.countDown(), result -> record(index, result));
        open.put(index, handler);
        ChannelFuture connect = bootstrap.clone()
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(
                                new HttpClientCodec(),
                                new ReadTimeoutHandler(plan.readTimeout().toMillis(), TimeUnit.MILLISECONDS),
                                handler);
                    }
                })
                .connect(target.host(), target.port());
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                record(index, new StreamResult(-1, -1, System.nanoTime() - start, 0, "connect_failed"));
            }
        });
    }

    private void record(int index, StreamResult result) {
        if (results.compareAndSet(index, null, result)) {
            open.remove(index);
            if (result.firstContentNanos() < 0) {
                opened.countDown(); // it will never open: don't make the hold wait for it
            }
            slots.release();
            done.countDown();
        }
    }

    /**
     * Hold mode: waits until every stream has had its first content or failed, or the deadline passes.
     *
     * @return how many streams are open right now
     */
    public int awaitOpened(long deadline) throws InterruptedException {
        opened.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        return open.size();
    }

    /** Closes every open stream as the harness's own decision (success in hold mode once content has arrived). */
    public void closeAll() {
        launcher.interrupt();
        open.values().forEach(StreamHandler::closeByHarness);
    }

    /**
     * Waits for every launched stream to end, closing the rest at the plan's deadline, and returns the results of
     * the streams that were launched (never-launched ones are reported as {@code not_started}).
     */
    public List<StreamResult> awaitDone() throws InterruptedException {
        if (!done.await(Math.max(0, plan.deadline() - System.nanoTime()), TimeUnit.NANOSECONDS)) {
            closeAll();
            done.await(5, TimeUnit.SECONDS);
        }
        launcher.join(TimeUnit.SECONDS.toMillis(5));
        List<StreamResult> out = new ArrayList<>(plan.streams());
        for (int i = 0; i < plan.streams(); i++) {
            StreamResult r = results.get(i);
            out.add(r != null ? r : new StreamResult(-1, -1, -1, 0, i < launched ? "unfinished" : "not_started"));
        }
        return out;
    }

    public Target target() {
        return target;
    }
}
