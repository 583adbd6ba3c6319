package org.chainmarket.adapters.lab;

import org.chainmarket.adapters.api.PathProvider;
import org.chainmarket.schemas.model.ChainId;
import org.chainmarket.schemas.model.DomainAck;
import org.chainmarket.schemas.model.DomainCommand;
import org.chainmarket.schemas.model.DomainSegment;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.ProviderId;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Drives adapters with domain commands directly (as the adapter runner does) for the lab tests, the demo and the
 * benchmark, and times each command from {@code apply} to the answer.
 */
public final class Drive {
    private final Map<String, CompletableFuture<DomainAck>> answers = new ConcurrentHashMap<>();
    private final Map<String, Long> answeredAt = new ConcurrentHashMap<>();

    /** Registers this driver as the callback of {@code providers}. */
    public void activate(PathProvider... providers) {
        for (PathProvider p : providers) {
            p.activate(ack -> {
                answeredAt.put(ack.commandId(), System.nanoTime());
                answers.computeIfAbsent(ack.commandId(), k -> new CompletableFuture<>()).complete(ack);
            });
        }
    }

    /** A command's answer and how long it took, in milliseconds. */
    public record Timed(DomainAck ack, double millis) {
    }

    /**
     * Applies {@code command} and waits up to 30 s for the answer.
     *
     * @throws LabException when the adapter refuses (with its reason) or does not answer
     */
    public Timed run(PathProvider provider, DomainCommand command) {
        CompletableFuture<DomainAck> f = answers.computeIfAbsent(command.commandId(), k -> new CompletableFuture<>());
        long start = System.nanoTime();
        provider.apply(command);
        try {
            DomainAck ack = f.get(30, TimeUnit.SECONDS);
            if (!ack.success()) {
                throw new LabException(command.operation() + " of " + command.chainId() + " failed: " + ack.reason());
            }
            return new Timed(ack, (answeredAt.get(command.commandId()) - start) / 1e6);
        } catch (LabException e) {
            throw e;
        } catch (Exception e) {
            throw new LabException("no answer to " + command.commandId() + ": " + e, e);
        }
    }

    /** A SETUP of {@code chain} in {@code provider}'s domain with a fresh command id. */
    public static DomainCommand setup(ChainId chain, ProviderId provider, DomainSegment... segments) {
        return new DomainCommand(UUID.randomUUID().toString(), chain, provider, DomainCommand.Operation.SETUP, 10,
                List.of(segments), null);
    }

    /** A TEARDOWN of {@code chain} in {@code provider}'s domain with a fresh command id. */
    public static DomainCommand teardown(ChainId chain, ProviderId provider) {
        return new DomainCommand(UUID.randomUUID().toString(), chain, provider, DomainCommand.Operation.TEARDOWN, 10,
                List.of(), null);
    }

    /** A segment from entry to exit (a null peer is the host) through the offers, each written "offerId@switch". */
    public static DomainSegment segment(ProviderId provider, String entrySwitch, String entryPeer, String exitSwitch, String exitPeer,
                                 String... offersAtSwitches) {
        List<DomainSegment.Waypoint> w = new ArrayList<>();
        for (int i = 0; i < offersAtSwitches.length; i++) {
            String[] p = offersAtSwitches[i].split("@");
            w.add(new DomainSegment.Waypoint(i, OfferId.of(p[0]), p[1]));
        }
        return new DomainSegment(provider, 0, new DomainSegment.Attachment(entrySwitch, entryPeer), w,
                new DomainSegment.Attachment(exitSwitch, exitPeer));
    }
}
