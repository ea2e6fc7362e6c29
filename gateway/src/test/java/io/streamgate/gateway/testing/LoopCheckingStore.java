package io.streamgate.gateway.testing;

import io.streamgate.gateway.conversation.ConversationStore;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Wraps a {@link ConversationStore} (the {@code StreamGate.start(config, wrapStore)} seam) to record every call made on
 * a thread that must never block ({@link NonBlockingThreads#WATCHED}): a store call does file or network I/O (SQLite
 * through JNI, where BlockHound sees nothing; PostgreSQL over a socket), so it belongs on the store's own threads.
 * Every method of the interface is covered, including ones added later (a dynamic proxy).
 */
public final class LoopCheckingStore {

    private final List<String> callsOnLoops = new CopyOnWriteArrayList<>();

    /** The calls made on a watched thread, as {@code method on thread}. */
    public List<String> callsOnLoops() {
        return List.copyOf(callsOnLoops);
    }

    public ConversationStore wrap(ConversationStore store) {
        return (ConversationStore) Proxy.newProxyInstance(ConversationStore.class.getClassLoader(),
                new Class<?>[] {ConversationStore.class}, (proxy, method, args) -> {
                    Thread t = Thread.currentThread();
                    if (NonBlockingThreads.WATCHED.test(t)) {
                        callsOnLoops.add(method.getName() + " on " + t.getName());
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
