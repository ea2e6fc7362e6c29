package io.streamgate.gateway.conversation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamgate.gateway.testing.Await;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class StoreExecutorTest {

    @Test
    void newWorkIsRefusedAndCountedOnceTheQueueIsFullAndAdmittedAgainWhenItDrains() throws Exception {
        try (StoreExecutor store = new StoreExecutor(1, 2)) {
            CountDownLatch running = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            store.execute(() -> {
                running.countDown();
                await(release);
            });
            running.await();
            assertTrue(store.admit());
            store.execute(() -> {});
            assertTrue(store.admit());
            store.execute(() -> {});
            assertEquals(2, store.queued());
            assertFalse(store.admit(), "two wait already");
            assertFalse(store.admit());
            assertEquals(2, store.refused());
            CountDownLatch stillRuns = new CountDownLatch(1);
            store.execute(stillRuns::countDown); // an admitted stream's work is never refused
            release.countDown();
            stillRuns.await();
            Await.until("the queue drains", () -> store.queued() == 0);
            assertTrue(store.admit());
            assertEquals(2, store.refused());
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
