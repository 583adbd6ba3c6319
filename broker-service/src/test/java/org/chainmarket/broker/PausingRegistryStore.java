package org.chainmarket.broker;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.chainmarket.broker.outbox.Outbox;
import org.chainmarket.broker.outbox.ProcessedMessages;
import org.chainmarket.broker.registry.OfferEntity;
import org.chainmarket.broker.registry.RegistryStore;

import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The registry's store, able to hold one thread just after it read an offer (as a read-back mirrors it), so that a
 * test can run a change in that moment.
 */
@Singleton
@Replaces(RegistryStore.class)
@Requires(property = "test.registry-store", value = "pausing")
public class PausingRegistryStore extends RegistryStore {
    private volatile Thread paused;
    private volatile CountDownLatch read = new CountDownLatch(1);
    private volatile CountDownLatch resume = new CountDownLatch(1);

    public PausingRegistryStore(EntityManager em, ProcessedMessages processed, Outbox outbox) {
        super(em, processed, outbox);
    }

    /** The next offer {@code thread} reads, it holds after reading until {@link #resume()} (or at most 10 s). */
    void pauseAfterRead(Thread thread) {
        read = new CountDownLatch(1);
        resume = new CountDownLatch(1);
        paused = thread;
    }

    /** Waits until the paused thread has read its offer. */
    boolean awaitRead() throws InterruptedException {
        return read.await(30, TimeUnit.SECONDS);
    }

    void resume() {
        resume.countDown();
    }

    @Override
    @Transactional
    public Optional<OfferEntity> offer(String id) {
        Optional<OfferEntity> found = super.offer(id);
        if (Thread.currentThread() == paused) {
            paused = null;
            read.countDown();
            try {
                resume.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return found;
    }
}
