package org.chainmarket.adapters.openflow;

import org.chainmarket.adapters.api.FlowPlanner;
import org.chainmarket.adapters.api.HeldState;
import org.chainmarket.adapters.api.PlanException;
import org.chainmarket.adapters.api.QueuedPathProvider;
import org.chainmarket.adapters.openflow.OpenFlowRules.Rule;
import org.chainmarket.schemas.model.ChainId;
import org.chainmarket.schemas.model.DomainAck;
import org.chainmarket.schemas.model.DomainAck.FlowEntry;
import org.chainmarket.schemas.model.DomainCommand;
import org.chainmarket.schemas.model.OfferId;
import org.projectfloodlight.openflow.protocol.OFMessage;

import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;

import static org.chainmarket.adapters.openflow.SwitchConnection.await;
import static org.chainmarket.adapters.openflow.SwitchConnection.call;

/**
 * A provider domain made of Open vSwitch bridges, driven as an OpenFlow 1.3 controller (as the Floodlight-based
 * prototype of paper 003): the bridges connect to {@link OpenFlowConfig#listen()}; a SETUP is planned by the shared
 * {@link FlowPlanner} (the same {@code (switch, stage, in_port)} entries as the emulated domain) and each entry becomes
 * one rule ({@link OpenFlowRules}: the stage travels in a VLAN tag on the domain's own links), every rule of a chain
 * carrying the chain's cookie; a TEARDOWN deletes by cookie. Every switch the chain crosses also holds its name
 * ({@link ChainCookies}), so the switches alone say which chain holds what: {@link #list} reads them back
 * ({@link FlowReadBack}) and reports a full snapshot, and the adapter adopts it, also before its first command.
 *
 * <p>A SETUP for a chain that already has rules replaces them make-before-break, one atomic ONF bundle per switch,
 * switches taken from the exit back to the entry: the bundle adds the new rules, overwrites the changed ones, and
 * re-adds each rule the new set no longer has with an idle timeout of {@link OpenFlowConfig#drain()}, so the switch
 * itself removes it once the packets still on the old path (inside an old VNF, say) have passed. Packets carry no
 * chain tag, so two chains cannot share a match: such a SETUP fails naming the other chain.
 *
 * <p>Commands run one at a time on the domain's own thread, which also answers; answers are cached per command id
 * ({@link QueuedPathProvider}). {@link #flowStats} and {@link #portStats} read the switches' counters back.
 */
public final class OpenFlowDomain extends QueuedPathProvider {
    private volatile OpenFlowConfig config;
    private final FlowPlanner planner;
    private final FlowMods mods;
    private final Switches switches;
    private final Map<ChainId, Installed> chains = new ConcurrentHashMap<>();

    /** Whether the switches were read back since the adapter started (before the first command, at every report). */
    private boolean readOnce;

    /**
     * What one chain has in the domain: the planner's entries and the rules that realise them, index by index (the
     * rule of {@code entries.get(i)} is {@code rules.get(i)}), in path order.
     */
    private record Installed(List<FlowEntry> entries, List<Rule> rules) {
        List<Placed> placed() {
            List<Placed> out = new ArrayList<>();
            for (int i = 0; i < rules.size(); i++) {
                out.add(new Placed(rules.get(i), entries.get(i).stage()));
            }
            return out;
        }
    }

    /** A rule and the stage its cookie carries. */
    private record Placed(Rule rule, int stage) {
    }

    /**
     * Starts listening for the switches at once.
     *
     * @throws IllegalStateException when the listen address cannot be bound
     */
    public OpenFlowDomain(OpenFlowConfig config) {
        super(Objects.requireNonNull(config, "config").domain(), "OpenFlow");
        this.config = config;
        this.planner = new FlowPlanner(domain());
        this.mods = new FlowMods(() -> this.config);
        this.switches = new Switches(config);
    }

    /**
     * Waits until every switch of the domain is connected and has told its ports.
     *
     * @throws IllegalStateException naming the switches still missing after {@code timeout}
     */
    public void awaitSwitches(Duration timeout) {
        switches.await(timeout);
    }

    /**
     * Binds logical port {@code vnf:<offerId>} of {@code switchId} to the bridge's ports {@code binding} (a VNF
     * instance attached at run time), once the switch has announced both ports (within {@code timeout}); chains may use
     * the instance from then on.
     *
     * @throws IllegalStateException when the switch has not announced the ports within {@code timeout}
     */
    public void bindVnf(String switchId, OfferId offerId, OpenFlowConfig.PortBinding binding, Duration timeout) {
        long until = System.nanoTime() + timeout.toNanos();
        SwitchConnection c = switches.connection(switchId);
        while (c.portNumber(binding.toward()) == null || c.portNumber(binding.from()) == null) {
            if (System.nanoTime() > until) {
                throw new IllegalStateException("switch '" + switchId + "' did not announce ports " + binding.toward() + " and "
                        + binding.from() + " within " + timeout.toMillis() + " ms");
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the ports of " + offerId, e);
            }
        }
        synchronized (this) {
            config = config.withPort(switchId, "vnf:" + offerId.value(), binding);
        }
    }

    /** Removes the binding of {@code vnf:<offerId>} from {@code switchId} (the instance was stopped). */
    public void unbindVnf(String switchId, OfferId offerId) {
        synchronized (this) {
            config = config.withPort(switchId, "vnf:" + offerId.value(), null);
        }
    }

    /** How many chains have a rule that sends traffic into the instance {@code offerId}. */
    public int chainsOn(OfferId offerId) {
        String out = "output:vnf:" + offerId.value();
        return (int) chains.values().stream().filter(i -> i.entries().stream().anyMatch(e -> e.actions().contains(out))).count();
    }

    /** Whether {@code switchId} is connected. */
    public boolean connected(String switchId) {
        return switches.connected(switchId);
    }

    /** The logical entries this domain installed for the chain (empty when none). */
    public List<FlowEntry> entriesOf(ChainId chain) {
        Installed i = chains.get(chain);
        return i == null ? List.of() : i.entries();
    }

    /** The chains with rules in this domain. */
    public Set<ChainId> chains() {
        return Set.copyOf(chains.keySet());
    }

    /**
     * The OpenFlow cookie of {@code chain}: every flow of the chain carries it under {@link #CHAIN_COOKIE_MASK} (the
     * low 16 bits say which flow: a rule's stage, or a name flow).
     */
    public static long cookieOf(ChainId chain) {
        return ChainCookies.chain(chain);
    }

    /** The mask under which every flow of a chain carries {@link #cookieOf} the chain. */
    public static final long CHAIN_COOKIE_MASK = ChainCookies.CHAIN_MASK;

    /**
     * The rules of {@code chain} as the switches report them now (every switch is asked), including rules of an
     * earlier path that are still draining.
     */
    public List<FlowStat> flowStats(ChainId chain) {
        List<FlowStat> out = new ArrayList<>();
        for (String sw : config.switches().keySet().stream().sorted().toList()) {
            out.addAll(SwitchStats.flows(switches.connection(sw), sw, cookieOf(chain), CHAIN_COOKIE_MASK));
        }
        return out;
    }

    /** Every rule on {@code switchId}, whatever its cookie. */
    public List<FlowStat> allFlowStats(String switchId) {
        return SwitchStats.flows(switches.connection(switchId), switchId, 0, 0);
    }

    /** Every port's counters on {@code switchId}. */
    public List<PortStat> portStats(String switchId) {
        return SwitchStats.ports(switches.connection(switchId), switchId);
    }

    /** A Unix socket listen address, for bridges set up with {@code unix:<path>}. */
    public static UnixDomainSocketAddress unixSocket(Path path) {
        return UnixDomainSocketAddress.of(path);
    }

    /** After the queued commands: disconnects the switches and stops listening (rules stay installed). */
    @Override
    protected void release() {
        switches.close();
    }

    /**
     * What the switches hold now, read back from them ({@link FlowReadBack}): a full list, whatever this run of the
     * adapter installed. The adapter adopts it as its own record, so the next command starts from what is really there.
     *
     * @throws IllegalStateException when a switch is not connected or does not answer (nothing is reported then)
     */
    @Override
    protected HeldState list() {
        Instant at = Instant.now();
        readBack();
        Map<ChainId, List<FlowEntry>> held = new LinkedHashMap<>();
        chains.forEach((chain, i) -> held.put(chain, i.entries()));
        return new HeldState(at, true, held);
    }

    private void readBack() {
        Map<ChainId, FlowReadBack.Held> read = FlowReadBack.read(config, switches);
        chains.clear();
        read.forEach((chain, h) -> chains.put(chain, new Installed(h.entries(), h.rules())));
        readOnce = true;
    }

    @Override
    protected DomainAck carryOut(DomainCommand command) {
        if (!readOnce) {
            readBack(); // what an earlier run installed; when a switch cannot be read the answer is not cached
        }
        try {
            ChainId chain = command.chainId();
            if (command.operation() == DomainCommand.Operation.TEARDOWN) {
                teardown(chain);
                return success(command, List.of());
            }
            if (ChainCookies.unnamedCookie(chain).isPresent()) {
                return failure(command, "chain ids starting with '" + ChainCookies.UNNAMED + "' name rules found without a"
                        + " name; they cannot be set up");
            }
            long cookie = cookieOf(chain);
            for (ChainId other : chains.keySet()) {
                if (!other.equals(chain) && !unnamed(other) && cookieOf(other) == cookie) {
                    return failure(command, "chain " + chain + " has the same OpenFlow cookie as chain " + other);
                }
            }
            List<FlowEntry> entries = planner.plan(chain, command.segments());
            List<Rule> rules = OpenFlowRules.of(chain, entries);
            Map<ChainId, List<Rule>> installed = new LinkedHashMap<>();
            chains.forEach((c, i) -> {
                if (!unnamed(c)) {
                    installed.put(c, i.rules());
                }
            });
            String conflict = OpenFlowRules.conflict(chain, rules, installed);
            if (conflict != null) {
                return failure(command, conflict);
            }
            Installed before = chains.get(chain);
            boolean named = before != null;
            if (before == null) {
                before = chains.get(ChainCookies.unnamed(cookie)); // its own rules, found without their name
            }
            Installed next = new Installed(entries, rules);
            replace(chain, before, named, next);
            chains.remove(ChainCookies.unnamed(cookie));
            chains.put(chain, next);
            return success(command, entries);
        } catch (PlanException | IllegalStateException e) {
            return failure(command, e.getMessage());
        }
    }

    /**
     * Make-before-break in one bundle per switch, as described on the class. {@code before} is what the chain holds
     * now; when it was found without its name ({@code named} false) every rule is written again, with the name.
     */
    private void replace(ChainId chain, Installed before, boolean named, Installed next) {
        long cookie = cookieOf(chain);
        List<Placed> old = before == null ? List.of() : before.placed();
        Set<Placed> unchanged = named ? new HashSet<>(old) : Set.of();
        Set<OpenFlowRules.Key> kept = new HashSet<>();
        next.rules().forEach(r -> kept.add(r.key()));
        Map<String, List<IntFunction<? extends OFMessage>>> bundles = new LinkedHashMap<>();
        for (Placed p : next.placed()) {
            if (!unchanged.contains(p)) {
                Rule r = p.rule();
                bundles.computeIfAbsent(r.switchId(), k -> new ArrayList<>())
                        .add(mods.add(switches.connection(r.switchId()), r, ChainCookies.rule(cookie, p.stage()), 0));
            }
        }
        Set<String> path = new LinkedHashSet<>(next.rules().stream().map(Rule::switchId).toList());
        bundles.forEach((sw, bundle) -> bundle.addAll(FlowMods.names(chain, cookie, 0)));
        for (Placed p : old) {
            Rule r = p.rule();
            if (!kept.contains(r.key())) {
                List<IntFunction<? extends OFMessage>> bundle = bundles.get(r.switchId());
                if (bundle == null) {
                    bundle = new ArrayList<>();
                    bundles.put(r.switchId(), bundle);
                    if (!path.contains(r.switchId())) {
                        bundle.addAll(FlowMods.names(chain, cookie, drainSeconds())); // the name drains with the rules
                    }
                }
                bundle.add(mods.add(switches.connection(r.switchId()), r, ChainCookies.rule(cookie, p.stage()), drainSeconds()));
            }
        }
        // Downstream first, so that upstream rules never point into a gap; then switches only the old path crossed.
        Set<String> order = new LinkedHashSet<>();
        List<String> reversed = new ArrayList<>(path);
        Collections.reverse(reversed);
        order.addAll(reversed);
        order.addAll(bundles.keySet());
        for (String sw : order) {
            List<IntFunction<? extends OFMessage>> bundle = bundles.get(sw);
            if (bundle != null) {
                SwitchConnection c = switches.connection(sw);
                await(call(() -> c.commitBundle(bundle)), "commit the rules of chain " + chain + " on " + sw);
            }
        }
    }

    private int drainSeconds() {
        return (int) Math.min(0xffff, Math.max(1, (config.drain().toMillis() + 999) / 1000));
    }

    /**
     * Deletes every flow with the chain's cookie (rules, draining rules, name flows). The rules of an unnamed id are
     * kept when a chain with that cookie was set up since: they are that chain's now.
     */
    private void teardown(ChainId chain) {
        OptionalLong unnamed = ChainCookies.unnamedCookie(chain);
        long cookie = unnamed.orElseGet(() -> cookieOf(chain));
        if (unnamed.isPresent() && chains.keySet().stream().anyMatch(c -> !unnamed(c) && cookieOf(c) == cookie)) {
            chains.remove(chain);
            return;
        }
        List<CompletableFuture<?>> done = new ArrayList<>();
        for (String sw : config.switches().keySet()) {
            SwitchConnection c = switches.connection(sw);
            done.add(call(() -> c.sendWithBarrier(List.of(FlowMods.deleteByCookie(c.nextXid(), cookie, CHAIN_COOKIE_MASK)))));
        }
        for (CompletableFuture<?> f : done) {
            await(f, "remove the rules of chain " + chain);
        }
        chains.remove(chain);
        chains.remove(ChainCookies.unnamed(cookie));
    }

    private static boolean unnamed(ChainId chain) {
        return ChainCookies.unnamedCookie(chain).isPresent();
    }
}
