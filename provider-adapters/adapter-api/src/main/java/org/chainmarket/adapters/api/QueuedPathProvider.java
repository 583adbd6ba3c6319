package org.chainmarket.adapters.api;

import org.chainmarket.schemas.model.DomainAck;
import org.chainmarket.schemas.model.DomainAck.FlowEntry;
import org.chainmarket.schemas.model.DomainCommand;
import org.chainmarket.schemas.model.ProviderDomain;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * What every domain kind's {@link PathProvider} does the same way, so that a kind only writes how it carries out one
 * command ({@link #carryOut}):
 * <ul>
 *   <li>{@link #apply} queues the command and returns at once; commands run one at a time, in arrival order, on the
 *       domain's own daemon thread ({@code <kind>-domain-<providerId>}), which also calls the activated callback.</li>
 *   <li>A command for another provider, and a SETUP without segments, are answered with a failure before
 *       {@link #carryOut} sees them.</li>
 *   <li>Idempotence: answers are cached per command id (the last {@link #ANSWERS_KEPT}); a repeated id is answered
 *       again from the cache and not carried out twice.</li>
 *   <li>{@link #close} refuses new commands, carries out those already queued (waiting up to 10 s), stops the
 *       thread, then calls {@link #release} for the kind's own resources. Queries such as {@link #answer} work
 *       after it.</li>
 * </ul>
 */
public abstract class QueuedPathProvider implements PathProvider {
    /** How many answered command ids are remembered for idempotency (oldest forgotten first). */
    public static final int ANSWERS_KEPT = 100_000;
    private static final long CLOSE_WAIT_SECONDS = 10;
    private static final Logger LOG = LoggerFactory.getLogger(QueuedPathProvider.class);

    private final ProviderDomain domain;
    private final String name;
    private final Map<String, DomainAck> answers = Collections.synchronizedMap(new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, DomainAck> eldest) {
            return size() > ANSWERS_KEPT;
        }
    });
    private final ExecutorService executor;
    private final Object closeLock = new Object();
    private volatile PathProviderService service;
    private volatile boolean closed;

    /**
     * @param domain the domain the provider controls, as advertised
     * @param kind   the domain kind as messages name it ({@code "OpenFlow"} gives {@code "OpenFlow domain east is
     *               closed"} and the thread {@code openflow-domain-east})
     */
    protected QueuedPathProvider(ProviderDomain domain, String kind) {
        this.domain = Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(kind, "kind");
        this.name = kind + " domain " + domain.providerId();
        String threadName = kind.toLowerCase(Locale.ROOT).replace(' ', '-') + "-domain-" + domain.providerId();
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public final ProviderDomain domain() {
        return domain;
    }

    /** Registers the callback; calling it again replaces the callback for commands not yet answered. */
    @Override
    public final void activate(PathProviderService service) {
        this.service = Objects.requireNonNull(service, "service");
    }

    /**
     * Queues {@code command} and returns at once; the answer goes to the activated callback on the domain's thread.
     *
     * @throws IllegalStateException before {@link #activate} or after {@link #close}
     */
    @Override
    public final void apply(DomainCommand command) {
        Objects.requireNonNull(command, "command");
        if (closed) {
            throw new IllegalStateException(name + " is closed");
        }
        if (service == null) {
            throw new IllegalStateException(name + " is not activated");
        }
        Function<DomainCommand, DomainAck> treatment = treatment(command);
        try {
            executor.execute(() -> handle(command, treatment));
        } catch (RejectedExecutionException e) {
            throw new IllegalStateException(name + " is closed", e);
        }
    }

    /**
     * What the domain holds, read on the domain's thread between two commands (waiting up to 10 s behind the queued
     * ones); empty when the kind does not {@link #list} its state, or once the domain is closed.
     *
     * @throws IllegalStateException when the domain's thread does not get to it in time
     */
    @Override
    public final Optional<HeldState> held() {
        if (closed) {
            return Optional.empty();
        }
        Future<HeldState> f;
        try {
            f = executor.submit(this::list);
        } catch (RejectedExecutionException e) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(f.get(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(name + ": interrupted while listing what it holds", e);
        } catch (ExecutionException | TimeoutException e) {
            f.cancel(false);
            throw new IllegalStateException(name + " could not list what it holds: " + e, e);
        }
    }

    /** The answer given to {@code commandId}, while it is cached. */
    public final Optional<DomainAck> answer(String commandId) {
        return Optional.ofNullable(answers.get(commandId));
    }

    /** Carries out the commands already queued, then stops the domain's thread and calls {@link #release}. */
    @Override
    public final void close() {
        synchronized (closeLock) {
            if (closed) {
                return;
            }
            closed = true;
            executor.shutdown();
            try {
                if (!executor.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
                    executor.shutdownNow();
                }
            } catch (InterruptedException e) {
                executor.shutdownNow();
                Thread.currentThread().interrupt();
            }
            release();
        }
    }

    /**
     * Carries out one command on the domain's thread and returns its answer (built with {@link #success} or
     * {@link #failure}); called at most once per cached command id. The command is for this provider, and a SETUP
     * has at least one segment. A SETUP installs or replaces the chain's segments; a TEARDOWN removes everything of
     * the chain. A runtime exception thrown here is answered as a failure that is not cached, so a redelivery is
     * carried out again.
     */
    protected abstract DomainAck carryOut(DomainCommand command);

    /**
     * How the domain's thread will treat {@code command}, decided on the caller's thread in {@link #apply}, so that a
     * setting changed afterwards does not reach the commands already queued. The default checks the command and
     * then {@link #carryOut carries it out}. A kind that injects faults may return another function: its answer is
     * cached like any other, and a repeated id is still answered from the cache; or {@code null} to drop the command
     * (never answered and not cached, so a redelivery is treated afresh).
     */
    protected Function<DomainCommand, DomainAck> treatment(DomainCommand command) {
        return this::checkAndCarryOut;
    }

    /**
     * What the domain holds now, chain by chain, stamped with the time it was read; called on the domain's thread
     * between two commands. The default, null, means the kind does not list its state (nothing is reported).
     */
    protected HeldState list() {
        return null;
    }

    /** Frees the kind's own resources; called once by {@link #close} after the queued commands were carried out. */
    protected void release() {
    }

    /** Whether {@link #close} was called. */
    protected final boolean isClosed() {
        return closed;
    }

    /** A successful answer to {@code command} with the chain's flow entries now in the domain. */
    protected final DomainAck success(DomainCommand command, List<FlowEntry> entries) {
        return new DomainAck(command.commandId(), command.chainId(), domain.providerId(), command.operation(), true, null,
                entries, Instant.now());
    }

    /** A failed answer to {@code command}, saying why; nothing was changed. */
    protected final DomainAck failure(DomainCommand command, String reason) {
        return new DomainAck(command.commandId(), command.chainId(), domain.providerId(), command.operation(), false,
                reason, List.of(), Instant.now());
    }

    private DomainAck checkAndCarryOut(DomainCommand command) {
        if (!command.providerId().equals(domain.providerId())) {
            return failure(command, "command " + command.commandId() + " is for provider " + command.providerId()
                    + ", not " + domain.providerId());
        }
        if (command.operation() == DomainCommand.Operation.SETUP && command.segments().isEmpty()) {
            return failure(command, "a SETUP needs at least one segment");
        }
        return carryOut(command);
    }

    private void handle(DomainCommand command, Function<DomainCommand, DomainAck> treatment) {
        if (treatment == null) {
            LOG.debug("{}: dropping command {} without an answer", name, command.commandId());
            return;
        }
        DomainAck ack = answers.get(command.commandId());
        if (ack != null) {
            LOG.debug("{}: command {} was answered before; answering again", name, command.commandId());
        } else {
            try {
                ack = Objects.requireNonNull(treatment.apply(command), "answer");
                answers.put(command.commandId(), ack);
            } catch (RuntimeException e) {
                LOG.warn("{}: {} {} of chain {} threw", name, command.operation(), command.commandId(), command.chainId(), e);
                ack = failure(command, name + " could not carry out the command: " + e);
            }
        }
        if (!ack.success()) {
            LOG.info("{}: {} {} of chain {} failed: {}", name, command.operation(), command.commandId(),
                    command.chainId(), ack.reason());
        }
        try {
            service.completed(ack);
        } catch (RuntimeException e) {
            LOG.warn("{}: the callback rejected the answer to command {}: {}", name, command.commandId(), e.toString());
        }
    }
}
