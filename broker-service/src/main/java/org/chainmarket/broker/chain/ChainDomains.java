package org.chainmarket.broker.chain;

import org.chainmarket.schemas.model.DomainCommand;
import org.chainmarket.schemas.model.DomainSegment;
import org.chainmarket.schemas.model.ProviderId;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.chainmarket.broker.chain.ChainDomainEntity.Status.REMOVED;
import static org.chainmarket.broker.chain.ChainDomainEntity.Status.REMOVING;
import static org.chainmarket.broker.chain.ChainDomainEntity.Status.RETIRING;

/** The domains one chain crosses, in provider-id order, and the commands that go to several of them at once. */
final class ChainDomains {
    private final String chainId;
    private final List<ChainDomainEntity> domains;

    ChainDomains(String chainId, List<ChainDomainEntity> domains) {
        this.chainId = chainId;
        this.domains = new ArrayList<>(domains);
        this.domains.sort(Comparator.comparing(ChainDomainEntity::providerId));
    }

    ChainDomainEntity get(String providerId) {
        return domains.stream().filter(d -> d.providerId().equals(providerId)).findFirst().orElse(null);
    }

    List<ChainDomainEntity> all() {
        return List.copyOf(domains);
    }

    boolean all(ChainDomainEntity.Status status) {
        return domains.stream().allMatch(d -> d.is(status));
    }

    boolean none(ChainDomainEntity.Status status) {
        return domains.stream().noneMatch(d -> d.is(status));
    }

    /** Sends {@code op} to every domain in a state {@code which} accepts. */
    void send(Predicate<ChainDomainEntity> which, DomainCommand.Operation op, double mbps, Instant deadline, Instant now, Effects fx) {
        domains.stream().filter(which).forEach(d -> fx.command(d.send(op, mbps, deadline, now)));
    }

    /** A new domain for a new chain, told to set up its segments. */
    void setUp(String providerId, List<DomainSegment> segments, double mbps, Instant deadline, Instant now, Effects fx) {
        ChainDomainEntity d = ChainDomainEntity.of(chainId, providerId, segments);
        fx.created.add(d);
        domains.add(d);
        domains.sort(Comparator.comparing(ChainDomainEntity::providerId));
        fx.command(d.send(DomainCommand.Operation.SETUP, mbps, deadline, now));
    }

    /**
     * Moves the domains to a new path, make-before-break: domains whose segments change get a replacing set-up,
     * newly crossed ones a set-up, and domains no longer crossed are kept (RETIRING) until the new path is active.
     */
    void retarget(Map<ProviderId, List<DomainSegment>> segmentsByProvider, double mbps, Instant deadline, Instant now, Effects fx) {
        Map<ProviderId, List<DomainSegment>> wanted = new LinkedHashMap<>(segmentsByProvider);
        for (ChainDomainEntity d : List.copyOf(domains)) {
            if (d.is(REMOVED) || d.is(REMOVING)) {
                continue;
            }
            List<DomainSegment> segments = wanted.remove(ProviderId.of(d.providerId()));
            if (segments == null) {
                d.retire();
            } else if (d.replaceSegments(segments) || d.is(RETIRING)) {
                fx.command(d.send(DomainCommand.Operation.SETUP, mbps, deadline, now));
            }
        }
        wanted.forEach((provider, segments) -> {
            ChainDomainEntity d = get(provider.value());
            if (d == null) {
                setUp(provider.value(), segments, mbps, deadline, now, fx);
            } else {
                d.reuse(segments);
                fx.command(d.send(DomainCommand.Operation.SETUP, mbps, deadline, now));
            }
        });
    }

    /** What domains reported when they removed their segments, or null when all went well. */
    String removalProblems() {
        List<String> failed = domains.stream().filter(x -> x.reason() != null).map(x -> x.providerId() + ": " + x.reason()).toList();
        return failed.isEmpty() ? null : "Removal reported problems: " + String.join("; ", failed);
    }
}
