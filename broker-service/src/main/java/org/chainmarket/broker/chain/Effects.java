package org.chainmarket.broker.chain;

import org.chainmarket.schemas.events.EventType;
import org.chainmarket.schemas.model.ChainEvent;
import org.chainmarket.schemas.model.ConcreteChain;
import org.chainmarket.schemas.model.DomainCommand;
import org.chainmarket.schemas.model.Substitution;
import org.chainmarket.selection.network.NetLink;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one transaction's transitions cause, collected in memory while they run: the messages to send (domain
 * commands and events, in order), the hop reservations taken and given back, the change of each chain's hold on
 * each link, and the new rows. The aggregate only writes here; {@link ChainTransactions} hands it to the outbox and
 * the {@link ReservationLedger} before the commit. Tests read it to see what a transition did.
 */
final class Effects {
    /** A hop's hold on an offer: one row of the reservation ledger. */
    record Hop(String chainId, int hopIndex, String offerId, double mbps) {
    }

    /** A change of a chain's hold on one link ({@code NetLink.key}), positive when it takes bandwidth. */
    record LinkChange(String chainId, String link, double mbps) {
    }

    /** An event or command for the outbox, keyed by chain. */
    record Message(EventType type, String chainId, Object payload) {
    }

    /** What a domain did with the command it was waiting on: answered in time, or refused or left it unanswered (why). */
    record DomainOutcome(String providerId, boolean answered, String reason) {
    }

    final List<Hop> reserved = new ArrayList<>();
    final List<Hop> released = new ArrayList<>();
    final List<LinkChange> links = new ArrayList<>();
    final List<Message> messages = new ArrayList<>();
    /** What domains did with their commands, for their providers' health. */
    final List<DomainOutcome> outcomes = new ArrayList<>();
    /** Rows created by the transitions (domains, substitutions), to be persisted. */
    final List<Object> created = new ArrayList<>();

    void reserve(String chainId, ConcreteChain chain, List<Integer> hops, double mbps) {
        for (int i : hops) {
            ConcreteChain.Hop h = chain.hops().get(i);
            reserved.add(new Hop(chainId, h.index(), h.offerId().value(), mbps));
        }
    }

    void release(String chainId, ConcreteChain chain, List<Integer> hops, double mbps) {
        for (int i : hops) {
            ConcreteChain.Hop h = chain.hops().get(i);
            released.add(new Hop(chainId, h.index(), h.offerId().value(), mbps));
        }
    }

    /** A new chain takes every hop and link of {@code chain}. */
    void holdAll(String chainId, ConcreteChain chain, double mbps) {
        reserve(chainId, chain, allHops(chain), mbps);
        holdLinks(chainId, Map.of(), linkLoad(chain, mbps));
    }

    /** An ending chain gives back every hop and link of {@code chain}. */
    void releaseAll(String chainId, ConcreteChain chain, double mbps) {
        release(chainId, chain, allHops(chain), mbps);
        holdLinks(chainId, linkLoad(chain, mbps), Map.of());
    }

    /**
     * Make-before-break starts: the changed hops' new offers are held beside the old ones, and each link holds the
     * larger of what the old and the new path put on it.
     */
    void beginMove(String chainId, ConcreteChain from, ConcreteChain to, List<Integer> changed, double mbps) {
        reserve(chainId, to, changed, mbps);
        Map<String, Double> held = linkLoad(from, mbps);
        holdLinks(chainId, held, larger(held, linkLoad(to, mbps)));
    }

    /** The new path is active: the old hops and what only the old path used are given back. */
    void completeMove(String chainId, ConcreteChain from, ConcreteChain to, List<Integer> changed, double mbps) {
        release(chainId, from, changed, mbps);
        Map<String, Double> next = linkLoad(to, mbps);
        holdLinks(chainId, larger(linkLoad(from, mbps), next), next);
    }

    /** The move is abandoned: the new hops and what only the new path used are given back. */
    void abandonMove(String chainId, ConcreteChain from, ConcreteChain to, List<Integer> changed, double mbps) {
        release(chainId, to, changed, mbps);
        Map<String, Double> held = linkLoad(from, mbps);
        holdLinks(chainId, larger(held, linkLoad(to, mbps)), held);
    }

    private static List<Integer> allHops(ConcreteChain chain) {
        return java.util.stream.IntStream.range(0, chain.hops().size()).boxed().toList();
    }

    /** The chain's hold on links goes from {@code from} to {@code to} (Mbit/s per link). */
    void holdLinks(String chainId, Map<String, Double> from, Map<String, Double> to) {
        Map<String, Double> delta = new LinkedHashMap<>();
        to.forEach((k, v) -> delta.merge(k, v, Double::sum));
        from.forEach((k, v) -> delta.merge(k, -v, Double::sum));
        delta.forEach((k, v) -> {
            if (Math.abs(v) > 1e-9) {
                links.add(new LinkChange(chainId, k, v));
            }
        });
    }

    void outcome(String providerId, boolean answered, String reason) {
        outcomes.add(new DomainOutcome(providerId, answered, reason));
    }

    void command(DomainCommand c) {
        messages.add(new Message(c.operation() == DomainCommand.Operation.SETUP ? EventType.PATH_SETUP_REQUESTED
                : EventType.PATH_TEARDOWN_REQUESTED, c.chainId().value(), c));
    }

    void announce(ChainEvent e) {
        messages.add(new Message(EventType.forChainState(e.state()), e.chainId().value(), e));
    }

    void announce(Substitution s) {
        EventType type = switch (s.status()) {
            case PROPOSED -> EventType.SUBSTITUTION_PROPOSED;
            case APPLYING -> EventType.SUBSTITUTION_STARTED;
            case COMPLETED -> EventType.HOP_SUBSTITUTED;
            case FAILED, NO_ALTERNATIVE, SUPERSEDED -> EventType.SUBSTITUTION_FAILED;
        };
        messages.add(new Message(type, s.chainId().value(), s));
    }

    void acknowledged(Substitution s) {
        messages.add(new Message(EventType.SUBSTITUTION_ACKNOWLEDGED, s.chainId().value(), s));
    }

    /** The commands sent, in order (for tests and logs). */
    List<DomainCommand> commands() {
        return messages.stream().filter(m -> m.payload() instanceof DomainCommand).map(m -> (DomainCommand) m.payload()).toList();
    }

    /** Bandwidth a path puts on each link it crosses: a link crossed twice carries the chain twice. */
    static Map<String, Double> linkLoad(ConcreteChain chain, double mbps) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (chain == null) {
            return out;
        }
        List<ConcreteChain.PathNode> path = chain.path();
        for (int i = 1; i < path.size(); i++) {
            String a = path.get(i - 1).switchId();
            String b = path.get(i).switchId();
            if (!a.equals(b)) {
                out.merge(NetLink.key(a, b), mbps, Double::sum);
            }
        }
        return out;
    }

    /** Per link, the larger of two holds: what a chain holds while its old and new paths are both installed. */
    static Map<String, Double> larger(Map<String, Double> x, Map<String, Double> y) {
        Map<String, Double> out = new LinkedHashMap<>(x);
        y.forEach((k, v) -> out.merge(k, v, Math::max));
        return out;
    }
}
