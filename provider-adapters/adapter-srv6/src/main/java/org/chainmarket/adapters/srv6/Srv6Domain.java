package org.chainmarket.adapters.srv6;

import org.chainmarket.adapters.api.FlowPlanner;
import org.chainmarket.adapters.api.HeldState;
import org.chainmarket.adapters.api.PlanException;
import org.chainmarket.adapters.api.QueuedPathProvider;
import org.chainmarket.schemas.model.ChainId;
import org.chainmarket.schemas.model.DomainAck;
import org.chainmarket.schemas.model.DomainAck.FlowEntry;
import org.chainmarket.schemas.model.DomainCommand;
import org.chainmarket.schemas.model.DomainSegment;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A provider domain on the Linux kernel's SRv6, as paper 004 builds it: a chain's segment becomes a segment list
 * installed only at the domain's ingress router ({@code ip rule iif <entry device>} into a per-chain table whose
 * default route is {@code encap seg6 mode encap segs ...}); an SR-aware VNF gets an End SID in its own namespace; an
 * SR-unaware VNF sits behind an End.DX6 proxy SID on its router, and what it sends back is re-encapsulated with the
 * rest of the list by a per-chain policy rule on its return device (End.DX6 must be the last segment of a list, so
 * the list is split there); the last segment is an End.DX6 at the exit router that hands the original packet to the
 * host or the next provider. Where a list would start with a SID of the very router that classifies (an SR-unaware
 * VNF on the ingress router, or the exit reached with nothing left to visit), the table routes the plain packet
 * there directly instead: the kernel does not decapsulate at End.DX6 a packet it has just encapsulated itself. Every SID is per chain and counts its packets ({@code count}), which
 * {@link #sidCounters} reads back as telemetry. Everything is written with {@code ip -6 -n NS -batch -} and tagged
 * with route protocol {@link #PROTO}.
 *
 * <p>A SETUP for a chain that already has state is a make-before-break replacement: new SIDs and proxy tables
 * first, then the ingress list is swapped with one {@code ip route replace} (atomic for the kernel), then after
 * {@link Srv6Config#drain()} what the new list no longer uses is removed. The ingress classifies by incoming
 * device, so two chains cannot enter at the same attachment, and an SR-unaware VNF (classified by its return
 * device) serves one chain at a time: such a SETUP fails naming the other chain.
 *
 * <p>Commands run one at a time on the domain's own thread, which also answers; answers are cached per command id
 * ({@link QueuedPathProvider}).
 */
public final class Srv6Domain extends QueuedPathProvider {
    /** The route and rule protocol number that marks what this adapter installed. */
    public static final int PROTO = 199;
    /** The priority of the classification rules. */
    public static final int RULE_PREF = 1000;
    private static final int PRIORITY = FlowPlanner.PRIORITY;
    /** Chain {@code c}'s tables are {@code TABLE_BASE + 64 c + k}; chain numbers start at 1. */
    static final long TABLE_BASE = 0x10000;
    /** The table of the chains' names (chain number 0's place, which no chain has): inert routes no rule looks up. */
    static final long NAME_TABLE = TABLE_BASE;
    private static final Pattern COUNTED = Pattern.compile(
            "^(\\S+)\\s+encap seg6local action (\\S+).*?packets (\\d+) bytes (\\d+)", Pattern.MULTILINE);

    private final Srv6Config config;
    private final FlowPlanner checks;
    private final List<String> vnfOrder;
    private final Map<ChainId, Installed> chains = new ConcurrentHashMap<>();
    /** Whether the kernel was read back since the adapter started (before the first command, at every report). */
    private boolean readOnce;

    public Srv6Domain(Srv6Config config) {
        super(Objects.requireNonNull(config, "config").domain(), "SRv6");
        this.config = config;
        this.checks = new FlowPlanner(domain());
        this.vnfOrder = new ArrayList<>(new TreeSet<>(config.vnfs().keySet()));
        if (vnfOrder.size() > 62) {
            throw new IllegalArgumentException("an SRv6 domain binds at most 62 VNFs, not " + vnfOrder.size());
        }
    }

    /** What one chain has in the domain: its number (in every SID and table id) and the kernel objects. */
    record Installed(int number, List<Res> resources, List<FlowEntry> entries) {
    }

    /** One kernel object: where, its identity, how to add it (replace for routes) and how to remove it. */
    record Res(Stage stage, String namespace, String key, String add, String del) {
    }

    /** Install order; removal goes the other way (so a chain's name is written first and removed last). */
    enum Stage { NAME, SID, INNER_TABLE, INNER_RULE, INGRESS_TABLE, INGRESS_RULE }

    /** The entries (ingress lists and SIDs) the chain has in this domain; empty when none. */
    public List<FlowEntry> entriesOf(ChainId chain) {
        Installed i = chains.get(chain);
        return i == null ? List.of() : i.entries();
    }

    /** The chains with state in this domain. */
    public Set<ChainId> chains() {
        return Set.copyOf(chains.keySet());
    }

    /** The SIDs the chain has in this domain, by namespace. */
    public Map<String, List<String>> sidsOf(ChainId chain) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        Installed i = chains.get(chain);
        if (i != null) {
            i.resources().stream().filter(r -> r.stage() == Stage.SID)
                    .forEach(r -> out.computeIfAbsent(r.namespace(), k -> new ArrayList<>()).add(r.key().split(" ")[1]));
        }
        return out;
    }

    /** The namespaces this domain writes to (routers and SR-aware VNFs). */
    public Set<String> namespaces() {
        Set<String> out = new TreeSet<>();
        config.routers().values().forEach(r -> out.add(r.namespace()));
        config.vnfs().values().stream().filter(Srv6Config.Vnf::srAware).forEach(v -> out.add(v.namespace()));
        return out;
    }

    /** The per-SID counters of the chain, read from the kernel now, in the order of its SIDs. */
    public List<SidCounter> sidCounters(ChainId chain) {
        List<SidCounter> out = new ArrayList<>();
        sidsOf(chain).forEach((ns, sids) -> {
            Map<String, SidCounter> all = new HashMap<>();
            for (SidCounter c : sidCounters(ns)) {
                all.put(c.sid(), c);
            }
            sids.forEach(s -> {
                SidCounter c = all.get(s);
                if (c != null) {
                    out.add(c);
                }
            });
        });
        return out;
    }

    /** Every counted SID this adapter installed in {@code namespace}. */
    public List<SidCounter> sidCounters(String namespace) {
        String text = IpBatch.query(namespace, "-6", "-s", "route", "show", "proto", String.valueOf(PROTO));
        List<SidCounter> out = new ArrayList<>();
        Matcher m = COUNTED.matcher(text);
        while (m.find()) {
            out.add(new SidCounter(namespace, m.group(1).replace("/128", ""), m.group(2), Long.parseLong(m.group(3)),
                    Long.parseLong(m.group(4))));
        }
        return out;
    }

    /** What the kernel holds of this adapter in {@code namespace}: its routes (all tables) and its rules. */
    public List<String> kernelState(String namespace) {
        List<String> out = new ArrayList<>();
        IpBatch.query(namespace, "-6", "route", "show", "table", "all", "proto", String.valueOf(PROTO)).lines()
                .filter(l -> !l.isBlank()).forEach(out::add);
        IpBatch.query(namespace, "-6", "rule", "show", "pref", String.valueOf(RULE_PREF)).lines()
                .filter(l -> !l.isBlank()).forEach(l -> out.add("rule " + l));
        return out;
    }

    /**
     * What the kernel holds now, read back from every namespace of the domain ({@link KernelReadBack}): a full list,
     * whatever this run of the adapter installed. The adapter adopts it as its own record, so the next command starts
     * from what is really there.
     *
     * @throws IllegalStateException when a namespace cannot be read (nothing is reported then)
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
        Map<ChainId, Installed> read = KernelReadBack.read(config, vnfOrder, namespaces());
        chains.clear();
        chains.putAll(read);
        readOnce = true;
    }

    @Override
    protected DomainAck carryOut(DomainCommand command) {
        if (!readOnce && command.operation() == DomainCommand.Operation.TEARDOWN) {
            readBack(); // what an earlier run installed; when the kernel cannot be read the answer is not cached
        }
        try {
            if (command.operation() == DomainCommand.Operation.TEARDOWN) {
                Installed old = chains.remove(command.chainId());
                if (old != null) {
                    remove(old.resources());
                }
                return success(command, List.of());
            }
            if (KernelReadBack.unnamed(command.chainId())) {
                return failure(command, "chain ids starting with '" + KernelReadBack.UNNAMED + "' name SRv6 state found"
                        + " without a name; they cannot be set up");
            }
            plan(command.chainId(), 1, command.segments()); // refuse what cannot be carried out before reading the kernel
            if (!readOnce) {
                readBack();
            }
            Installed old = chains.get(command.chainId());
            int number = old != null ? old.number() : freeNumber();
            Installed next = plan(command.chainId(), number, command.segments());
            ChainId other;
            while ((other = conflicting(command.chainId(), next)) != null && KernelReadBack.unnamed(other)) {
                remove(chains.remove(other).resources()); // state without a name never blocks a chain
            }
            if (other != null) {
                return failure(command, conflict(command.chainId(), next));
            }
            replace(old == null ? List.of() : old.resources(), next.resources());
            chains.put(command.chainId(), next);
            return success(command, next.entries());
        } catch (PlanException | IllegalStateException e) {
            return failure(command, e.getMessage());
        }
    }

    private int freeNumber() {
        Set<Integer> used = new HashSet<>();
        chains.values().forEach(i -> used.add(i.number()));
        for (int n = 1; n <= 0xffff; n++) {
            if (!used.contains(n)) {
                return n;
            }
        }
        throw new IllegalStateException("SRv6 domain " + domain().providerId() + " has no free chain number");
    }

    /** The chain that already classifies traffic {@code next} needs, or null. */
    private ChainId conflicting(ChainId chain, Installed next) {
        Set<String> claims = claims(next);
        for (Map.Entry<ChainId, Installed> other : chains.entrySet()) {
            if (!other.getKey().equals(chain) && claims(other.getValue()).stream().anyMatch(claims::contains)) {
                return other.getKey();
            }
        }
        return null;
    }

    private static Set<String> claims(Installed i) {
        Set<String> out = new HashSet<>();
        i.resources().stream().filter(r -> r.stage() == Stage.INGRESS_RULE || r.stage() == Stage.INNER_RULE)
                .forEach(r -> out.add(r.namespace() + "|" + r.key().substring(0, r.key().indexOf(" lookup"))));
        return out;
    }

    private String conflict(ChainId chain, Installed next) {
        Set<String> claims = new HashSet<>();
        next.resources().stream().filter(r -> r.stage() == Stage.INGRESS_RULE || r.stage() == Stage.INNER_RULE)
                .forEach(r -> claims.add(r.namespace() + "|" + r.key().substring(0, r.key().indexOf(" lookup"))));
        for (Map.Entry<ChainId, Installed> other : chains.entrySet()) {
            if (other.getKey().equals(chain)) {
                continue;
            }
            for (Res r : other.getValue().resources()) {
                if ((r.stage() == Stage.INGRESS_RULE || r.stage() == Stage.INNER_RULE)
                        && claims.contains(r.namespace() + "|" + r.key().substring(0, r.key().indexOf(" lookup")))) {
                    return "in " + r.namespace() + ", traffic arriving " + r.key().substring("rule ".length(), r.key().indexOf(" lookup"))
                            + " already belongs to chain " + other.getKey()
                            + "; SRv6 classification by incoming device cannot tell two chains apart";
                }
            }
        }
        return null;
    }

    private Installed plan(ChainId chain, int c, List<DomainSegment> segments) {
        List<Res> res = new ArrayList<>();
        List<FlowEntry> entries = new ArrayList<>();
        String tag = chain.value();
        for (DomainSegment segment : segments) {
            String where = "segment " + segment.sequence();
            checks.check(segment);
            Srv6Config.Router entryRouter = router(where + ": entry", segment.entry().switchId());
            Srv6Config.Attachment entry = attachment(where + ": entry", segment.entry(), entryRouter);
            Srv6Config.Router exitRouter = router(where + ": exit", segment.exit().switchId());
            Srv6Config.Attachment exit = attachment(where + ": exit", segment.exit(), exitRouter);
            if (exit.neighbour() == null) {
                throw new PlanException(where + ": exit " + segment.exit().port() + " at " + segment.exit().switchId()
                        + " has no neighbour address to hand packets to");
            }
            // the list being built, and where it is installed (namespace, table, incoming device, switch, in port)
            List<String> leg = new ArrayList<>();
            String legNs = entryRouter.namespace();
            long legTable = TABLE_BASE + (long) c * 64;
            String legDev = entry.device();
            String legSwitch = segment.entry().switchId();
            String legPort = segment.entry().port();
            boolean ingress = true;
            int stage = segment.hopsBefore();
            int legStage = stage;
            for (DomainSegment.Waypoint w : segment.waypoints()) {
                Srv6Config.Vnf v = config.vnfs().get(w.offerId().value());
                if (v == null) {
                    throw new PlanException(where + ": waypoint hop " + w.hopIndex() + " (offer " + w.offerId()
                            + ") is not a VNF of domain " + domain().providerId());
                }
                if (!v.switchId().equals(w.switchId())) {
                    throw new PlanException(where + ": offer " + w.offerId() + " runs at '" + v.switchId() + "', not '" + w.switchId() + "'");
                }
                int index = vnfOrder.indexOf(w.offerId().value());
                if (v.srAware()) {
                    String sid = sidText(v.locator(), c, 1);
                    res.add(sid(v.namespace(), sid, "End count dev " + v.device(), stage));
                    entries.add(new FlowEntry(w.switchId(), tag, stage, PRIORITY, "sid:" + sid,
                            List.of("seg6local End", "vnf:" + w.offerId().value())));
                    leg.add(sid);
                } else {
                    Srv6Config.Router r = config.routers().get(v.switchId());
                    if (leg.isEmpty() && r.namespace().equals(legNs)) {
                        // the list would start with a SID of this very router: hand the packet to the VNF directly
                        addRoute(res, entries, tag, legStage, ingress, legNs, legTable, legDev, legSwitch, legPort,
                                "via " + v.address() + " dev " + v.toDevice(), "output:vnf:" + w.offerId().value());
                    } else {
                        String sid = sidText(r.locator(), c, 0x100 + index);
                        res.add(sid(r.namespace(), sid, "End.DX6 nh6 " + v.address() + " count dev " + v.toDevice(), stage));
                        entries.add(new FlowEntry(w.switchId(), tag, stage, PRIORITY, "sid:" + sid,
                                List.of("seg6local End.DX6 nh6 " + v.address(), "output:vnf:" + w.offerId().value())));
                        leg.add(sid);
                        addList(res, entries, tag, legStage, ingress, legNs, legTable, legDev, legSwitch, legPort, leg);
                    }
                    leg = new ArrayList<>();
                    legNs = r.namespace();
                    legTable = TABLE_BASE + (long) c * 64 + 1 + index;
                    legDev = v.fromDevice();
                    legSwitch = v.switchId();
                    legPort = "vnf:" + w.offerId().value();
                    legStage = stage + 1;
                    ingress = false;
                }
                stage++;
            }
            if (leg.isEmpty() && exitRouter.namespace().equals(legNs)) {
                // nothing left to steer and already at the exit router: route the packet out directly
                addRoute(res, entries, tag, legStage, ingress, legNs, legTable, legDev, legSwitch, legPort,
                        "via " + exit.neighbour() + " dev " + exit.device(), "output:" + segment.exit().port());
            } else {
                String egress = sidText(exitRouter.locator(), c, 0xd600 + (segment.sequence() & 0xff));
                res.add(sid(exitRouter.namespace(), egress, "End.DX6 nh6 " + exit.neighbour() + " count dev " + exit.device(), stage));
                entries.add(new FlowEntry(segment.exit().switchId(), tag, stage, PRIORITY, "sid:" + egress,
                        List.of("seg6local End.DX6 nh6 " + exit.neighbour(), "output:" + segment.exit().port())));
                leg.add(egress);
                addList(res, entries, tag, legStage, ingress, legNs, legTable, legDev, legSwitch, legPort, leg);
            }
        }
        Set<String> keys = new HashSet<>();
        List<Res> named = new ArrayList<>();
        res.stream().map(Res::namespace).distinct().forEach(ns -> named.addAll(names(ns, c, chain)));
        named.addAll(res);
        res = named;
        for (Res r : res) {
            if (!keys.add(r.namespace() + "|" + r.key())) {
                throw new PlanException("chain " + chain + " would need " + r.key() + " in " + r.namespace()
                        + " twice (a VNF or an entry used twice in this domain)");
            }
        }
        return new Installed(c, List.copyOf(res), List.copyOf(entries));
    }

    private void addList(List<Res> res, List<FlowEntry> entries, String tag, int stage, boolean ingress, String ns, long table,
                         String dev, String switchId, String inPort, List<String> segs) {
        String list = String.join(",", segs);
        addRoute(res, entries, tag, stage, ingress, ns, table, dev, switchId, inPort, "encap seg6 mode encap segs " + list + " dev " + dev,
                "seg6 encap segs [" + list + "]");
    }

    /** A classification table ({@code default <route>}, the SID space thrown back to main) and its rule. */
    private void addRoute(List<Res> res, List<FlowEntry> entries, String tag, int stage, boolean ingress, String ns, long table,
                          String dev, String switchId, String inPort, String route, String action) {
        Stage tableStage = ingress ? Stage.INGRESS_TABLE : Stage.INNER_TABLE;
        res.add(throwRoute(tableStage, ns, table, config.sidSpace()));
        res.add(defaultRoute(tableStage, ns, table, route, stage));
        res.add(rule(ingress ? Stage.INGRESS_RULE : Stage.INNER_RULE, ns, dev, table));
        entries.add(new FlowEntry(switchId, tag, stage, PRIORITY, inPort, List.of(action)));
    }

    /**
     * The text of chain {@code c}'s SID with {@code suffix} under {@code locator} ({@code fcbb:0:1}, 7, 0x101 gives
     * {@code fcbb:0:1:7::101}).
     */
    static String sidText(String locator, int c, int suffix) {
        return locator + ":" + Integer.toHexString(c) + "::" + Integer.toHexString(suffix);
    }

    /** The metric that carries a route's stage (IPv6 treats metric 0 as the default, so it starts at 1). */
    static long metric(int stage) {
        return 1L + stage;
    }

    /** A SID route; its metric carries the stage of the entry it realises. */
    static Res sid(String ns, String sid, String behaviour, int stage) {
        long m = metric(stage);
        return new Res(Stage.SID, ns, "sid " + sid + " metric " + m,
                "route replace " + sid + "/128 encap seg6local action " + behaviour + " metric " + m + " proto " + PROTO,
                "route del " + sid + "/128 metric " + m);
    }

    static Res throwRoute(Stage stage, String ns, long table, String sidSpace) {
        return new Res(stage, ns, "table " + table + " throw",
                "route replace throw " + sidSpace + " table " + table + " proto " + PROTO,
                "route del throw " + sidSpace + " table " + table);
    }

    /** A classification table's default route; its metric carries the stage of the entry it realises. */
    static Res defaultRoute(Stage stage, String ns, long table, String route, int entryStage) {
        long m = metric(entryStage);
        return new Res(stage, ns, "table " + table + " default metric " + m,
                "route replace default " + route + " table " + table + " metric " + m + " proto " + PROTO,
                "route del default table " + table + " metric " + m);
    }

    static Res rule(Stage stage, String ns, String dev, long table) {
        String rule = "iif " + dev + " lookup " + table + " pref " + RULE_PREF;
        return new Res(stage, ns, "rule iif " + dev + " lookup " + table, "rule add " + rule + " protocol " + PROTO,
                "rule del " + rule);
    }

    /**
     * Chain {@code c}'s name in {@code ns}: blackhole routes in {@link #NAME_TABLE} whose destinations spell the chain
     * id, 16 bytes each (the last padded with zeros), metric {@code 16 c + chunk}.
     */
    static List<Res> names(String ns, int c, ChainId chain) {
        List<Res> out = new ArrayList<>();
        byte[] id = chain.value().getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i * 16 < id.length; i++) {
            String addr = KernelReadBack.address(Arrays.copyOfRange(id, i * 16, i * 16 + 16));
            long m = ((long) c << 4) | i;
            out.add(new Res(Stage.NAME, ns, "name " + c + "." + i,
                    "route replace blackhole " + addr + "/128 table " + NAME_TABLE + " metric " + m + " proto " + PROTO,
                    "route del blackhole " + addr + "/128 table " + NAME_TABLE + " metric " + m));
        }
        return out;
    }

    private Srv6Config.Router router(String role, String switchId) {
        Srv6Config.Router r = config.routers().get(switchId);
        if (r == null) {
            throw new PlanException(role + " switch '" + switchId + "' is not a router of domain " + domain().providerId());
        }
        return r;
    }

    private static Srv6Config.Attachment attachment(String role, DomainSegment.Attachment a, Srv6Config.Router r) {
        Srv6Config.Attachment b = r.attachments().get(a.port());
        if (b == null) {
            throw new PlanException(role + " port '" + a.port() + "' does not exist at switch '" + a.switchId() + "'");
        }
        return b;
    }

    /** Make-before-break: new and changed objects stage by stage, then (after the drain) the stale ones. */
    private void replace(List<Res> old, List<Res> next) {
        Map<String, Res> oldByKey = new HashMap<>();
        old.forEach(r -> oldByKey.put(r.namespace() + "|" + r.key(), r));
        Set<String> nextKeys = new HashSet<>();
        Map<Stage, List<Res>> adds = new LinkedHashMap<>();
        for (Res r : next) {
            String k = r.namespace() + "|" + r.key();
            nextKeys.add(k);
            Res before = oldByKey.get(k);
            if (before == null || !before.add().equals(r.add())) {
                adds.computeIfAbsent(r.stage(), s -> new ArrayList<>()).add(r);
            }
        }
        for (Stage s : Stage.values()) {
            runByNamespace(adds.getOrDefault(s, List.of()), true, false);
        }
        List<Res> stale = old.stream().filter(r -> !nextKeys.contains(r.namespace() + "|" + r.key())).toList();
        if (!stale.isEmpty()) {
            sleep(config.drain().toMillis());
            remove(stale);
        }
    }

    private void remove(List<Res> resources) {
        List<Stage> reverse = new ArrayList<>(List.of(Stage.values()));
        Collections.reverse(reverse);
        for (Stage s : reverse) {
            runByNamespace(resources.stream().filter(r -> r.stage() == s).toList(), false, true);
        }
    }

    private static void runByNamespace(List<Res> resources, boolean add, boolean force) {
        Map<String, List<String>> lines = new LinkedHashMap<>();
        resources.forEach(r -> lines.computeIfAbsent(r.namespace(), k -> new ArrayList<>()).add(add ? r.add() : r.del()));
        lines.forEach((ns, l) -> IpBatch.run(ns, l, force));
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
