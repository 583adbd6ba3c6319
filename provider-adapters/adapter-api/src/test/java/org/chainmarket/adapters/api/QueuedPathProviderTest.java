package org.chainmarket.adapters.api;

import org.chainmarket.schemas.model.ChainId;
import org.chainmarket.schemas.model.DomainAck;
import org.chainmarket.schemas.model.DomainCommand;
import org.chainmarket.schemas.model.DomainSegment;
import org.chainmarket.schemas.model.ProviderDomain;
import org.chainmarket.schemas.model.ProviderId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QueuedPathProviderTest {
    private static final ProviderId P = ProviderId.of("p");
    private static final ProviderDomain DOMAIN = new ProviderDomain(P, "P",
            List.of(new ProviderDomain.Switch("s1", "s1", null, null)), List.of(), List.of(), List.of());
    private static final DomainSegment SEGMENT = new DomainSegment(P, 0, new DomainSegment.Attachment("s1", null),
            List.of(), new DomainSegment.Attachment("s1", null));

    private final Recording provider = new Recording();
    private final BlockingQueue<DomainAck> acks = new LinkedBlockingQueue<>();
    private final List<Thread> answeringThreads = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        provider.close();
    }

    @Test
    void answersOnTheDomainsThreadAndARepeatedIdFromTheCache() throws Exception {
        activate();
        provider.apply(setup("c-1"));
        DomainAck first = next();

        provider.apply(setup("c-1"));

        assertThat(next()).isEqualTo(first);
        assertThat(first.success()).isTrue();
        assertThat(first.flowEntries()).hasSize(1);
        assertThat(provider.carriedOut).hasValue(1);
        assertThat(provider.answer("c-1")).contains(first);
        assertThat(answeringThreads).extracting(Thread::getName).containsOnly("test-kind-domain-p");
    }

    @Test
    void refusesCommandsForAnotherProviderAndSetupsWithoutSegmentsBeforeCarryingThemOut() throws Exception {
        activate();
        provider.apply(new DomainCommand("c-1", ChainId.of("ch"), ProviderId.of("q"), DomainCommand.Operation.TEARDOWN, 1,
                List.of(), null));
        provider.apply(new DomainCommand("c-2", ChainId.of("ch"), P, DomainCommand.Operation.SETUP, 1, List.of(), null));

        assertThat(next().reason()).isEqualTo("command c-1 is for provider q, not p");
        assertThat(next().reason()).isEqualTo("a SETUP needs at least one segment");
        assertThat(provider.carriedOut).hasValue(0);
    }

    @Test
    void aThrowingCommandIsAnsweredWithAFailureThatIsNotCached() throws Exception {
        activate();
        provider.throwNext = true;
        provider.apply(setup("c-1"));
        DomainAck failed = next();
        assertThat(failed.success()).isFalse();
        assertThat(failed.reason()).isEqualTo("Test kind domain p could not carry out the command: "
                + "java.lang.IllegalArgumentException: boom");
        assertThat(provider.answer("c-1")).isEmpty();

        provider.apply(setup("c-1"));
        assertThat(next().success()).isTrue();
    }

    @Test
    void aDroppedCommandIsNeitherAnsweredNorCachedAndAnotherTreatmentIsCached() throws Exception {
        activate();
        provider.drop = true;
        provider.apply(setup("c-1"));
        assertThat(acks.poll(200, TimeUnit.MILLISECONDS)).isNull();
        assertThat(provider.answer("c-1")).isEmpty();

        provider.drop = false;
        provider.refusal = "refused";
        provider.apply(setup("c-1"));
        assertThat(next().reason()).isEqualTo("refused");

        provider.refusal = null;
        provider.apply(setup("c-1"));
        assertThat(next().reason()).isEqualTo("refused");
        assertThat(provider.carriedOut).hasValue(0);
    }

    @Test
    void closeCarriesOutWhatIsQueuedThenReleasesOnceAndRefusesMore() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        provider.activate(ack -> {
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            acks.add(ack);
        });
        provider.apply(setup("c-1"));
        provider.apply(setup("c-2"));
        Thread closer = new Thread(provider::close);
        closer.start();
        while (!provider.closed()) {
            Thread.onSpinWait();
        }
        assertThatThrownBy(() -> provider.apply(setup("c-3")))
                .isInstanceOf(IllegalStateException.class).hasMessage("Test kind domain p is closed");
        release.countDown();
        closer.join(5_000);

        assertThat(acks).extracting(DomainAck::commandId).containsExactly("c-1", "c-2");
        provider.close();
        assertThat(provider.released).hasValue(1);
    }

    @Test
    void refusesCommandsBeforeActivation() {
        assertThatThrownBy(() -> provider.apply(setup("c-1")))
                .isInstanceOf(IllegalStateException.class).hasMessage("Test kind domain p is not activated");
    }

    private void activate() {
        provider.activate(ack -> {
            answeringThreads.add(Thread.currentThread());
            acks.add(ack);
        });
    }

    private DomainAck next() throws InterruptedException {
        DomainAck ack = acks.poll(5, TimeUnit.SECONDS);
        if (ack == null) {
            throw new AssertionError("no ack within 5 s");
        }
        return ack;
    }

    private static DomainCommand setup(String id) {
        return new DomainCommand(id, ChainId.of("ch"), P, DomainCommand.Operation.SETUP, 1, List.of(SEGMENT), null);
    }

    /** Installs one entry per SETUP; can throw once, drop commands or refuse them. */
    private static final class Recording extends QueuedPathProvider {
        final AtomicInteger carriedOut = new AtomicInteger();
        final AtomicInteger released = new AtomicInteger();
        volatile boolean throwNext;
        volatile boolean drop;
        volatile String refusal;

        Recording() {
            super(DOMAIN, "Test kind");
        }

        boolean closed() {
            return isClosed();
        }

        @Override
        protected Function<DomainCommand, DomainAck> treatment(DomainCommand command) {
            if (drop) {
                return null;
            }
            String reason = refusal;
            return reason == null ? super.treatment(command) : c -> failure(c, reason);
        }

        @Override
        protected DomainAck carryOut(DomainCommand command) {
            if (throwNext) {
                throwNext = false;
                throw new IllegalArgumentException("boom");
            }
            carriedOut.incrementAndGet();
            return success(command, List.of(new DomainAck.FlowEntry("s1", command.chainId().value(), 100, "host",
                    List.of("output:host"))));
        }

        @Override
        protected void release() {
            released.incrementAndGet();
        }
    }
}
