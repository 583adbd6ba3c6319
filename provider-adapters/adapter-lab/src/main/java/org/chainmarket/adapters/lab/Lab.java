package org.chainmarket.adapters.lab;

import org.chainmarket.adapters.openflow.OpenFlowConfig;
import org.chainmarket.adapters.openflow.OpenFlowDomain;
import org.chainmarket.adapters.srv6.Srv6Config;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.ProviderDomain;
import org.chainmarket.schemas.model.ProviderId;
import org.chainmarket.schemas.model.VnfOffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A small two-provider network of Linux network namespaces, built for real packets and torn down afterwards:
 *
 * <pre>
 *  h-a1 ─ [a1] ══ [a2] ─ h-a2          provider lab-ovs: Open vSwitch bridges (userspace datapath, fail_mode=secure,
 *          │        │                    controller = the OpenFlow adapter on a Unix socket), VNFs as bumps in the wire
 *        VNFs     VNFs ── border ── (b1) ─── (b2) ─ h-b2 (the destination)
 *                                   │  │       │     provider lab-srv6: Linux SRv6 routers with locators fcbb:0:N::/48
 *                               h-b1  VNFs    VNFs   SR-aware VNFs (own namespace, End SID) and SR-unaware ones (End.DX6 proxy)
 * </pre>
 *
 * Hosts: {@code h-a1} fc00:1::1 and {@code h-a2} fc00:1::2 sit on one L2 path through the OVS domain (static
 * neighbours, so no NDP crosses it), {@code h-a1} reaches fc00:2::/64 through b1's border address fc00:1::fe;
 * {@code h-b1} fc00:3::1 hangs off b1; the destination {@code h-b2} is fc00:2::2. Nothing is forwarded unless a chain
 * is installed: the bridges have no rules and the routers no route to fc00:2::/64.
 *
 * <p><b>Proving the order.</b> Every VNF has a stamp (its index, 1..60) and rewrites the DSCP of what it forwards
 * to it; every VNF and every host counts echo requests per incoming DSCP in nftables named counters
 * ({@code from_<stamp>}). A VNF that counted N packets "from" its predecessor's stamp saw N packets that had crossed
 * the predecessor last. SR-aware VNFs see the outer header (the kernel copies the inner traffic class into it at
 * encapsulation) and stamp the outer header, which is dropped at decapsulation.
 *
 * <p><b>Names and clean-up.</b> Every namespace is {@code cmlab-<6 hex>-<node>}; the lab's state (OVS database,
 * sockets, logs, pid files, its owner's pid) lives in {@code /tmp/chainmarket-lab/<id>}. {@link #close} stops OVS,
 * deletes the namespaces and the directory, and never throws. {@link #start} first removes what a crashed earlier
 * run left behind (labs whose owner process is gone).
 */
public final class Lab implements AutoCloseable {
    public static final ProviderId OVS = ProviderId.of("lab-ovs");
    public static final ProviderId SRV6 = ProviderId.of("lab-srv6");
    public static final String H_A1 = "h-a1";
    public static final String H_A2 = "h-a2";
    public static final String H_B1 = "h-b1";
    public static final String H_B2 = "h-b2";
    public static final String SID_SPACE = "fcbb::/16";
    /** VNFs the lab can hold at once (each stamps its own DSCP value, 1..60). */
    public static final int MAX_VNFS = 60;
    static final Path ROOT = Path.of(System.getProperty("java.io.tmpdir"), "chainmarket-lab");
    static final String PREFIX = "cmlab-";
    static final String OVS_SCHEMA = "/usr/share/openvswitch/vswitch.ovsschema";
    static final Map<String, String> HOST_ADDRESS = Map.of(H_A1, "fc00:1::1", H_A2, "fc00:1::2", H_B1, "fc00:3::1",
            H_B2, "fc00:2::2");
    private static final Pattern COUNTER = Pattern.compile("counter (\\S+) \\{\\s*packets (\\d+) bytes (\\d+)");
    private static final Pattern TRANSMITTED = Pattern.compile("(\\d+) packets transmitted");
    private static final Logger LOG = LoggerFactory.getLogger(Lab.class);

    private final String id;
    private final LabSpec spec;
    private final Path dir;
    private final List<String> namespaces = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    private final Map<String, Integer> stamps = new LinkedHashMap<>();
    private final Map<String, LabSpec.Vnf> vnfs = new LinkedHashMap<>();
    private final java.util.Set<String> added = new java.util.LinkedHashSet<>();
    private LabBuilder builder;
    private volatile boolean closed;

    private Lab(LabSpec spec) {
        this.id = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt(0x1000000)).substring(2);
        this.spec = spec;
        this.dir = ROOT.resolve(id);
        int k = 1;
        for (LabSpec.Vnf v : Stream.concat(spec.ovsVnfs().stream(), spec.srv6Vnfs().stream()).toList()) {
            if (vnfs.put(v.offerId(), v) != null) {
                throw new IllegalArgumentException("offer " + v.offerId() + " is listed twice");
            }
            stamps.put(v.offerId(), k++);
        }
    }

    /**
     * Why the lab cannot run here (not Linux, not root, a missing tool, namespaces not allowed), or empty when it can.
     * Tests skip with this message.
     */
    public static Optional<String> unavailable() {
        if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
            return Optional.of("the namespace lab needs Linux");
        }
        for (String tool : List.of("ip", "nft", "ping", "ethtool", "ovsdb-tool", "ovsdb-server", "ovs-vswitchd", "ovs-vsctl")) {
            if (!Shell.has(tool)) {
                return Optional.of("the namespace lab needs '" + tool + "' (Debian packages iproute2 nftables iputils-ping "
                        + "ethtool openvswitch-switch)");
            }
        }
        if (!Files.exists(Path.of(OVS_SCHEMA))) {
            return Optional.of("the namespace lab needs " + OVS_SCHEMA + " (Debian package openvswitch-switch)");
        }
        try {
            if (!Shell.run("id", "-u").strip().equals("0")) {
                return Optional.of("the namespace lab needs root (network namespaces, Open vSwitch)");
            }
        } catch (LabException e) {
            return Optional.of("cannot tell whether this is root: " + e.getMessage());
        }
        String probe = PREFIX + "probe-" + ProcessHandle.current().pid();
        if (Shell.quietly("ip", "netns", "add", probe) != 0) {
            return Optional.of("network namespaces are not allowed here ('ip netns add' failed)");
        }
        Shell.quietly("ip", "netns", "del", probe);
        return Optional.empty();
    }

    /** Builds the lab; on any failure removes what was built and rethrows. */
    public static Lab start(LabSpec spec) {
        LabJanitor.cleanStale();
        Lab lab = new Lab(spec);
        try {
            lab.builder = new LabBuilder(lab, lab.spec, lab.dir, lab.vnfs, lab.namespaces, lab.processes);
            lab.builder.build();
            return lab;
        } catch (RuntimeException e) {
            lab.close();
            throw e;
        }
    }

    public String id() {
        return id;
    }

    /** The namespace of a lab node ({@code h-a1}, {@code b1}, {@code ovs}, or a VNF's offer id). */
    public String ns(String node) {
        return PREFIX + id + "-" + node;
    }

    /** Every namespace of the lab. */
    public List<String> namespaces() {
        return List.copyOf(namespaces);
    }

    /** The DSCP stamp of a VNF. */
    public synchronized int stamp(String offerId) {
        Integer s = stamps.get(offerId);
        if (s == null) {
            throw new IllegalArgumentException("no VNF '" + offerId + "' in the lab");
        }
        return s;
    }

    /** Where a packet is counted and the stamp it must arrive with. */
    public record Arrival(String node, int fromStamp) {
    }

    /**
     * Where a packet of a chain through {@code offers} (in order) is counted, and with which stamp, up to
     * {@code destination}: an OVS or SR-unaware VNF sees the inner header (last stamped by the previous such VNF); an
     * SR-aware VNF sees the outer header, which the kernel fills from the inner one at each encapsulation and the
     * previous SR-aware VNF of the same list stamped.
     */
    public synchronized List<Arrival> expectedArrivals(List<String> offers, String destination) {
        List<Arrival> out = new ArrayList<>();
        int inner = 0;
        Integer outer = null;
        for (String offer : offers) {
            LabSpec.Vnf v = vnfs.get(offer);
            if (v == null) {
                throw new IllegalArgumentException("no VNF '" + offer + "' in the lab");
            }
            if (spec.srv6Vnfs().contains(v) && v.srAware()) {
                out.add(new Arrival(offer, outer == null ? inner : outer));
                outer = stamp(offer);
            } else {
                out.add(new Arrival(offer, inner));
                inner = stamp(offer);
                outer = null;
            }
        }
        out.add(new Arrival(destination, inner));
        return out;
    }

    // ------------------------------------------------------------------------------------ VNFs added while it runs

    /**
     * Adds an Open vSwitch VNF while the lab runs, built as the configured ones are (its namespace, veths {@code in}
     * and {@code out} to the switch's bridge as ports {@code v<stamp>-i} and {@code v<stamp>-o}, an nftables bump in
     * the wire that counts, stamps and, when {@code filter}, drops UDP to port 9), with the lowest stamp free. Its
     * ports are {@link #ovsPorts}; the OpenFlow adapter steers chains into it once they are bound.
     *
     * @throws IllegalArgumentException for a known offer id or a switch other than {@code a1}, {@code a2}
     * @throws LabException             when the lab holds {@value #MAX_VNFS} VNFs already or a tool fails
     */
    public synchronized LabSpec.Vnf addOvsVnf(String offerId, String vnfType, String switchId, boolean filter) {
        if (vnfs.containsKey(offerId)) {
            throw new IllegalArgumentException("the lab has a VNF '" + offerId + "' already");
        }
        if (!switchId.equals("a1") && !switchId.equals("a2")) {
            throw new IllegalArgumentException("switch '" + switchId + "' is not an Open vSwitch bridge of the lab (a1, a2)");
        }
        int k = 1;
        while (stamps.containsValue(k)) {
            k++;
        }
        if (k > MAX_VNFS) {
            throw new LabException("the lab holds " + MAX_VNFS + " VNFs already");
        }
        LabSpec.Vnf v = new LabSpec.Vnf(offerId, vnfType, switchId, false, 1.0, filter);
        stamps.put(offerId, k);
        vnfs.put(offerId, v);
        try {
            builder.attachOvsVnf(v);
        } catch (RuntimeException e) {
            stamps.remove(offerId);
            vnfs.remove(offerId);
            throw e;
        }
        added.add(offerId);
        LOG.info("lab {}: VNF {} ({}) added at {} with stamp {}", id, offerId, vnfType, switchId, k);
        return v;
    }

    /**
     * Removes a VNF {@link #addOvsVnf} added: its bridge ports and its namespace. Configured VNFs stay.
     *
     * @throws IllegalArgumentException for a VNF that was not added while the lab runs
     */
    public synchronized void removeVnf(String offerId) {
        if (!added.contains(offerId)) {
            throw new IllegalArgumentException("VNF '" + offerId + "' was not added while the lab runs");
        }
        builder.detachOvsVnf(vnfs.get(offerId));
        added.remove(offerId);
        vnfs.remove(offerId);
        stamps.remove(offerId);
        LOG.info("lab {}: VNF {} removed", id, offerId);
    }

    /** The bridge ports of an Open vSwitch VNF: traffic goes out on {@code v<stamp>-i} and comes back on {@code v<stamp>-o}. */
    public OpenFlowConfig.PortBinding ovsPorts(String offerId) {
        int k = stamp(offerId);
        return new OpenFlowConfig.PortBinding("v" + k + "-i", "v" + k + "-o");
    }

    /** Whether the network namespace of a node ({@link #ns}) exists now. */
    public boolean hasNamespace(String node) {
        return Shell.run("ip", "netns", "list").lines().anyMatch(l -> l.split(" ")[0].equals(ns(node)));
    }

    /** The ports of a switch's bridge, as Open vSwitch lists them (independent of the adapter). */
    public List<String> bridgePorts(String switchId) {
        Shell.Result r = Shell.exec(List.of("ovs-vsctl", "--db=unix:" + dir.resolve("db.sock"), "--timeout=20", "list-ports",
                "br-" + switchId), null, Map.of("OVS_RUNDIR", dir.toString()));
        if (r.exit() != 0) {
            throw new LabException("ovs-vsctl list-ports br-" + switchId + " failed: " + r.err().strip());
        }
        return r.out().lines().filter(l -> !l.isBlank()).toList();
    }

    /** The IPv6 address of a host. */
    public static String address(String host) {
        return HOST_ADDRESS.get(host);
    }

    // ------------------------------------------------------------------------------------------ provider descriptions

    /** The OVS provider's domain as advertised to the marketplace. */
    public ProviderDomain ovsDomain() {
        return new ProviderDomain(OVS, "Lab OVS Networks",
                List.of(new ProviderDomain.Switch("a1", "a1", 45.0, 7.0), new ProviderDomain.Switch("a2", "a2", 45.0, 7.1)),
                List.of(new ProviderDomain.Site("lab-ovs-a1", "a1", 8, 16), new ProviderDomain.Site("lab-ovs-a2", "a2", 8, 16)),
                List.of(new ProviderDomain.Link("a1", "a2", 0.1, 10_000)),
                List.of(new ProviderDomain.BorderLink("a2", SRV6, "b1", 0.1, 10_000)));
    }

    /** The SRv6 provider's domain as advertised to the marketplace. */
    public ProviderDomain srv6Domain() {
        return new ProviderDomain(SRV6, "Lab SRv6 Networks",
                List.of(new ProviderDomain.Switch("b1", "b1", 45.0, 7.2), new ProviderDomain.Switch("b2", "b2", 45.0, 7.3)),
                List.of(new ProviderDomain.Site("lab-srv6-b1", "b1", 8, 16), new ProviderDomain.Site("lab-srv6-b2", "b2", 8, 16)),
                List.of(new ProviderDomain.Link("b1", "b2", 0.1, 10_000)),
                List.of(new ProviderDomain.BorderLink("b1", OVS, "a2", 0.1, 10_000)));
    }

    /** The OVS provider's offers (one chain per VNF instance: the data plane classifies by in_port). */
    public List<VnfOffer> ovsOffers() {
        return spec.ovsVnfs().stream().map(v -> offer(OVS, v)).toList();
    }

    public List<VnfOffer> srv6Offers() {
        return spec.srv6Vnfs().stream().map(v -> offer(SRV6, v)).toList();
    }

    private static VnfOffer offer(ProviderId provider, LabSpec.Vnf v) {
        return new VnfOffer(OfferId.of(v.offerId()), provider, v.vnfType(), provider + "-" + v.switchId(), 1000, 1, 0.1,
                v.pricePerHour(), 0.0001, 0.999, v.srAware(), false, null, null);
    }

    /** How the OpenFlow adapter reaches and names the bridges. */
    public OpenFlowConfig openFlowConfig() {
        Map<String, OpenFlowConfig.PortBinding> a1 = new HashMap<>();
        Map<String, OpenFlowConfig.PortBinding> a2 = new HashMap<>();
        a1.put("host", OpenFlowConfig.PortBinding.of("a1-host"));
        a1.put("to:a2", OpenFlowConfig.PortBinding.of("a1-to-a2"));
        a2.put("host", OpenFlowConfig.PortBinding.of("a2-host"));
        a2.put("to:a1", OpenFlowConfig.PortBinding.of("a2-to-a1"));
        a2.put("border:b1", OpenFlowConfig.PortBinding.of("a2-b1"));
        for (LabSpec.Vnf v : spec.ovsVnfs()) {
            (v.switchId().equals("a1") ? a1 : a2).put("vnf:" + v.offerId(), ovsPorts(v.offerId()));
        }
        return new OpenFlowConfig(ovsDomain(), OpenFlowDomain.unixSocket(dir.resolve("of.sock")),
                Map.of("a1", new OpenFlowConfig.SwitchBinding(0xa1, a1), "a2", new OpenFlowConfig.SwitchBinding(0xa2, a2)),
                Duration.ofSeconds(1));
    }

    /** How the SRv6 adapter reaches the routers and VNFs. */
    public Srv6Config srv6Config() {
        Map<String, Srv6Config.Router> routers = Map.of(
                "b1", new Srv6Config.Router(ns("b1"), "fcbb:0:1", Map.of(
                        "border:a2", new Srv6Config.Attachment("a2", null),
                        "host", new Srv6Config.Attachment("host", "fc00:3::1"))),
                "b2", new Srv6Config.Router(ns("b2"), "fcbb:0:2", Map.of(
                        "host", new Srv6Config.Attachment("host", "fc00:2::2"))));
        Map<String, Srv6Config.Vnf> bound = new HashMap<>();
        for (LabSpec.Vnf v : spec.srv6Vnfs()) {
            int k = stamp(v.offerId());
            bound.put(v.offerId(), v.srAware()
                    ? Srv6Config.Vnf.aware(v.switchId(), ns(v.offerId()), locator(k), "eth0")
                    : Srv6Config.Vnf.unaware(v.switchId(), "v" + k + "i", "fc00:ff:" + k + "::2", "v" + k + "o"));
        }
        return new Srv6Config(srv6Domain(), routers, bound, SID_SPACE, Duration.ofMillis(20));
    }

    static String locator(int stamp) {
        return "fcbb:0:" + Integer.toHexString(0x100 + stamp);
    }

    // ------------------------------------------------------------------------------------------------- traffic

    /**
     * Sends {@code count} echo requests from {@code host} to {@code address} at {@code perSecond}; returns how many left,
     * once they stopped arriving anywhere (every host's and VNF's counters read the same twice, 200 ms apart): ping
     * waits for its last request only max(2 x RTT, interval), and a request delayed on a busy host (Open vSwitch's first
     * packets of a flow go through its userspace) is still on its way when ping exits.
     */
    public int ping(String host, String address, int count, int perSecond) {
        awaitDatapath();
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns(host)));
        cmd.addAll(List.of(pingArgs(address, count, perSecond)));
        Shell.Result r = Shell.exec(cmd, null, Map.of());
        if (r.exit() > 1) { // 1 is "no reply": the lab's chains are one-way
            throw new LabException(String.join(" ", cmd) + " failed (exit " + r.exit() + "): " + r.err().strip());
        }
        settled(this::allCounters, "every node");
        return parseTransmitted(r.out());
    }

    /**
     * Waits until Open vSwitch's datapath follows its flow tables: a rule change is answered (barrier) once the tables
     * hold it, but the kernel's cached flows are brought in line by revalidator threads afterwards, and a packet sent
     * before that still takes the old actions (a drop, where no chain was). Traffic the tests send starts after it.
     */
    public void awaitDatapath() {
        Shell.run("ovs-appctl", "-t", dir.resolve("ovs-vswitchd.ctl").toString(), "revalidator/wait");
    }

    /** The counters of every host and VNF. */
    private Map<String, Map<String, Long>> allCounters() {
        Map<String, Map<String, Long>> out = new LinkedHashMap<>();
        for (String node : counted()) {
            out.put(node, counters(node));
        }
        return out;
    }

    /** What {@code read} answers once two reads 200 ms apart agree. */
    private static <T> T settled(java.util.function.Supplier<T> read, String what) {
        T last = null;
        T now = read.get();
        while (!now.equals(last)) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LabException("interrupted while reading the counters of " + what, e);
            }
            last = now;
            now = read.get();
        }
        return now;
    }

    /** Starts a ping in the background; {@link Pinger#await} returns how many requests were sent. */
    public Pinger pingInBackground(String host, String address, int count, int perSecond) {
        awaitDatapath();
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns(host)));
        cmd.addAll(List.of(pingArgs(address, count, perSecond)));
        try {
            Path out = Files.createTempFile(dir, "ping", ".out");
            return new Pinger(Shell.start(cmd, Map.of(), out), out);
        } catch (IOException e) {
            throw new LabException("cannot start ping: " + e.getMessage(), e);
        }
    }

    /** A ping running in the background. */
    public static final class Pinger {
        private final Process process;
        private final Path output;

        Pinger(Process process, Path output) {
            this.process = process;
            this.output = output;
        }

        /** Waits for the ping to end and returns how many echo requests it sent. */
        public int await(Duration timeout) {
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    throw new LabException("ping did not end within " + timeout.toSeconds() + " s");
                }
                return parseTransmitted(Files.readString(output));
            } catch (IOException e) {
                throw new LabException("cannot read ping output: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LabException("interrupted while waiting for ping", e);
            }
        }
    }

    private static String[] pingArgs(String address, int count, int perSecond) {
        return new String[] {"ping", "-6", "-n", "-q", "-c", String.valueOf(count), "-i",
                String.format(java.util.Locale.ROOT, "%.3f", 1.0 / perSecond), "-W", "0.1", address};
    }

    private static int parseTransmitted(String output) {
        Matcher m = TRANSMITTED.matcher(output);
        if (!m.find()) {
            throw new LabException("cannot read how many echo requests ping sent from: " + output);
        }
        return Integer.parseInt(m.group(1));
    }

    /** Sends {@code count} UDP datagrams from {@code host} to {@code address} port {@code port}. */
    public void sendUdp(String host, String address, int port, int count) {
        Shell.in(ns(host), "bash", "-c", "for i in $(seq " + count + "); do echo probe > /dev/udp/" + address + "/" + port + "; done");
    }

    /**
     * The nftables counters of a VNF or host: {@code from_<stamp>} (echo requests that arrived with that DSCP),
     * {@code dropped} (what a filter VNF dropped), {@code udp9} (UDP to port 9 that reached a host).
     */
    public Map<String, Long> counters(String node) {
        Map<String, Long> out = new LinkedHashMap<>();
        Matcher m = COUNTER.matcher(Shell.in(ns(node), "nft", "list", "counters"));
        while (m.find()) {
            out.put(m.group(1), Long.parseLong(m.group(2)));
        }
        return out;
    }

    /** Echo requests that reached {@code node} last stamped by {@code fromStamp} (0: no VNF). */
    public long received(String node, int fromStamp) {
        return counters(node).getOrDefault("from_" + fromStamp, 0L);
    }

    /** Echo requests that reached {@code node}, whatever their stamp. */
    public long receivedTotal(String node) {
        return counters(node).entrySet().stream().filter(e -> e.getKey().startsWith("from_")).mapToLong(Map.Entry::getValue).sum();
    }

    /**
     * Echo requests that reached {@code node} once they stop arriving: read again until two reads 200 ms apart agree.
     * For the end of a background ping, which sends its last request and waits for the reply only max(2 × RTT,
     * interval): a request delayed longer on a busy host is still on its way when ping exits.
     */
    public long settledReceivedTotal(String node) {
        return settled(() -> receivedTotal(node), node);
    }

    /** Zeroes every counter of every host and VNF. */
    public void resetCounters() {
        for (String node : counted()) {
            Shell.in(ns(node), "nft", "reset", "counters");
        }
    }

    /** The nodes that count packets: every host and every VNF started so far. */
    private synchronized List<String> counted() {
        return Stream.concat(HOST_ADDRESS.keySet().stream(), vnfs.keySet().stream()).toList();
    }

    /** The OpenFlow rules a bridge holds, as {@code ovs-ofctl dump-flows} prints them (independent of the adapter). */
    public List<String> dumpFlows(String switchId) {
        return Shell.run(List.of("ovs-ofctl", "-O", "OpenFlow13", "--names", "dump-flows", "unix:" + dir.resolve("br-" + switchId + ".mgmt")), null)
                .lines().filter(l -> l.contains("cookie=")).toList();
    }

    /**
     * Runs {@code ovs-ofctl -O OpenFlow13 <command> <bridge> [args]} on a bridge, as an operator would by hand
     * ({@code del-flows}, {@code add-flow "cookie=..., in_port=..., actions=..."}), independently of the adapter.
     */
    public String ofctl(String switchId, String command, String... args) {
        List<String> cmd = new ArrayList<>(List.of("ovs-ofctl", "-O", "OpenFlow13", command, "unix:" + dir.resolve("br-" + switchId + ".mgmt")));
        cmd.addAll(List.of(args));
        return Shell.run(cmd, null);
    }

    /**
     * Removes from a namespace, by hand and independently of the adapter, every route (all tables) and rule with the
     * SRv6 adapter's protocol 199, as a router restarted empty would be.
     */
    public void flushSrv6(String namespace) {
        Shell.quietly("ip", "-n", namespace, "-6", "route", "flush", "table", "all", "proto", "199"); // "nothing to flush" is fine
        Shell.quietly("ip", "-n", namespace, "-6", "rule", "flush", "protocol", "199");
    }

    // ------------------------------------------------------------------------------------------------- clean-up

    /** Stops Open vSwitch, deletes every namespace and the lab directory. Never throws; safe to call twice. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Process p : processes) {
            LabJanitor.stop(p.toHandle());
        }
        LabJanitor.destroy(dir, namespaces);
        LOG.info("lab {} removed", id);
    }
}
