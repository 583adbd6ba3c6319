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
import org.projectfloodlight.openflow.protocol.OFMessage;

import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
 * carrying the chain's cookie; a TEARDOWN deletes by cookie.
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
    private final OpenFlowConfig config;
    private final FlowPlanner planner;
    private final FlowMods mods;
    private final Switches switches;
    private final Map<ChainId, Installed> chains = new ConcurrentHashMap<>();

    /** What one chain has in the domain: the planner's entries and the rules that realise them, in path order. */
    private record Installed(List<FlowEntry> entries, List<Rule> rules) {
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
        this.mods = new FlowMods(config);
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

    /** The OpenFlow cookie that tags every rule of {@code chain}. */
    public static long cookieOf(ChainId chain) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(chain.value().getBytes(StandardCharsets.UTF_8));
            long c = 0;
            for (int i = 0; i < 8; i++) {
                c = (c << 8) | (d[i] & 0xff);
            }
            return c == 0 || c == -1 ? 1 : c;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The rules of {@code chain} as the switches report them now (every switch is asked), including rules of an
     * earlier path that are still draining.
     */
    public List<FlowStat> flowStats(ChainId chain) {
        List<FlowStat> out = new ArrayList<>();
        for (String sw : config.switches().keySet().stream().sorted().toList()) {
            out.addAll(SwitchStats.flows(switches.connection(sw), sw, cookieOf(chain), -1L));
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
     * The chains this adapter installed since it started, with their entries: a partial list ({@code full} false),
     * since it is the adapter's own record and what an earlier run installed is not read back from the data plane.
     */
    @Override
    protected HeldState list() {
        Map<ChainId, List<FlowEntry>> held = new LinkedHashMap<>();
        chains.forEach((chain, i) -> held.put(chain, i.entries()));
        return new HeldState(java.time.Instant.now(), false, held);
    }

    @Override
    protected DomainAck carryOut(DomainCommand command) {
        try {
            if (command.operation() == DomainCommand.Operation.TEARDOWN) {
                teardown(command.chainId());
                return success(command, List.of());
            }
            List<FlowEntry> entries = planner.plan(command.chainId(), command.segments());
            List<Rule> rules = OpenFlowRules.of(command.chainId(), entries);
            Map<ChainId, List<Rule>> installed = new LinkedHashMap<>();
            chains.forEach((chain, i) -> installed.put(chain, i.rules()));
            String conflict = OpenFlowRules.conflict(command.chainId(), rules, installed);
            if (conflict != null) {
                return failure(command, conflict);
            }
            replace(command.chainId(), rules);
            chains.put(command.chainId(), new Installed(entries, rules));
            return success(command, entries);
        } catch (PlanException | IllegalStateException e) {
            return failure(command, e.getMessage());
        }
    }

    /** Make-before-break in one bundle per switch, as described on the class. */
    private void replace(ChainId chain, List<Rule> next) {
        long cookie = cookieOf(chain);
        Installed before = chains.get(chain);
        List<Rule> old = before == null ? List.of() : before.rules();
        Set<Rule> unchanged = new HashSet<>(old);
        Set<OpenFlowRules.Key> kept = new HashSet<>();
        next.forEach(r -> kept.add(r.key()));
        Map<String, List<IntFunction<? extends OFMessage>>> bundles = new LinkedHashMap<>();
        for (Rule r : next) {
            if (!unchanged.contains(r)) {
                bundles.computeIfAbsent(r.switchId(), k -> new ArrayList<>()).add(mods.add(switches.connection(r.switchId()), r, cookie, 0));
            }
        }
        for (Rule r : old) {
            if (!kept.contains(r.key())) {
                bundles.computeIfAbsent(r.switchId(), k -> new ArrayList<>())
                        .add(mods.add(switches.connection(r.switchId()), r, cookie, drainSeconds()));
            }
        }
        // Downstream first, so that upstream rules never point into a gap; then switches only the old path crossed.
        Set<String> order = new LinkedHashSet<>();
        List<String> path = new ArrayList<>(next.stream().map(Rule::switchId).distinct().toList());
        Collections.reverse(path);
        order.addAll(path);
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

    private void teardown(ChainId chain) {
        long cookie = cookieOf(chain);
        List<CompletableFuture<?>> done = new ArrayList<>();
        for (String sw : config.switches().keySet()) {
            SwitchConnection c = switches.connection(sw);
            done.add(call(() -> c.sendWithBarrier(List.of(FlowMods.deleteByCookie(c.nextXid(), cookie)))));
        }
        for (CompletableFuture<?> f : done) {
            await(f, "remove the rules of chain " + chain);
        }
        chains.remove(chain);
    }
}
