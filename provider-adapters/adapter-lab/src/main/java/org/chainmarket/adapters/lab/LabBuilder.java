package org.chainmarket.adapters.lab;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.chainmarket.adapters.lab.Lab.H_A1;
import static org.chainmarket.adapters.lab.Lab.H_A2;
import static org.chainmarket.adapters.lab.Lab.H_B1;
import static org.chainmarket.adapters.lab.Lab.H_B2;
import static org.chainmarket.adapters.lab.Lab.HOST_ADDRESS;
import static org.chainmarket.adapters.lab.Lab.OVS_SCHEMA;
import static org.chainmarket.adapters.lab.Lab.locator;

/**
 * Builds a {@link Lab}'s network: the namespaces (IPv6 forwarding and SRv6 on, no DAD, no router solicitations), the
 * veth pairs, addresses and routes (one {@code ip -batch} per namespace), the nftables stamping and counting of every
 * host and VNF, and Open vSwitch (a private {@code ovsdb-server} and {@code ovs-vswitchd} in the lab's directory,
 * bridges {@code br-a1} and {@code br-a2} with the userspace datapath, joined by patch ports, controller on the lab's
 * Unix socket). Every namespace and process it starts is added to the lists it is given, so that the lab removes
 * them even when building fails half-way.
 */
final class LabBuilder {
    private static final Logger LOG = LoggerFactory.getLogger(LabBuilder.class);

    private final Lab lab;
    private final LabSpec spec;
    private final Path dir;
    private final Map<String, LabSpec.Vnf> vnfs;
    private final List<String> namespaces;
    private final List<Process> processes;

    LabBuilder(Lab lab, LabSpec spec, Path dir, Map<String, LabSpec.Vnf> vnfs, List<String> namespaces, List<Process> processes) {
        this.lab = lab;
        this.spec = spec;
        this.dir = dir;
        this.vnfs = vnfs;
        this.namespaces = namespaces;
        this.processes = processes;
    }

    private String ns(String node) {
        return lab.ns(node);
    }

    private int stamp(String offerId) {
        return lab.stamp(offerId);
    }

    void build() {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("owner.pid"), String.valueOf(ProcessHandle.current().pid()));
        } catch (IOException e) {
            throw new LabException("cannot create the lab directory " + dir + ": " + e.getMessage(), e);
        }
        List<String> nodes = new ArrayList<>(List.of("ovs", H_A1, H_A2, H_B1, H_B2, "b1", "b2"));
        nodes.addAll(vnfs.keySet());
        for (String n : nodes) {
            namespace(n);
        }
        links();
        Map<String, List<String>> batch = new LinkedHashMap<>();
        nodes.forEach(n -> batch.put(n, new ArrayList<>(List.of("link set lo up"))));
        addressing(batch);
        batch.forEach((n, lines) -> Shell.run(List.of("ip", "-n", ns(n), "-batch", "-"), String.join("\n", lines) + "\n"));
        Shell.in(ns("b1"), "ip", "sr", "tunsrc", "set", "fcbb:0:1::1");
        Shell.in(ns("b2"), "ip", "sr", "tunsrc", "set", "fcbb:0:2::1");
        nftables();
        openVswitch();
        LOG.info("lab {} is up: {} namespaces, {} VNFs", lab.id(), namespaces.size(), vnfs.size());
    }

    /** Adds the namespace of a node (IPv6 forwarding and SRv6 on, no DAD, no router solicitations). */
    private void namespace(String n) {
        Shell.run("ip", "netns", "add", ns(n));
        namespaces.add(ns(n));
        Shell.in(ns(n), "sysctl", "-q", "-w", "net.ipv6.conf.all.forwarding=1", "net.ipv6.conf.default.accept_dad=0",
                "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_ra=0", "net.ipv6.conf.default.router_solicitations=0",
                "net.ipv6.conf.all.seg6_enabled=1", "net.ipv6.conf.default.seg6_enabled=1",
                "net.ipv6.conf.all.keep_addr_on_down=1");
    }

    /**
     * Adds one Open vSwitch VNF to the running lab, as {@link #build} adds the configured ones: its namespace, its in
     * and out veths to the OVS namespace (TX offload off), its nftables bump in the wire, and its two ports on the
     * switch's bridge. On failure what was made is removed and the failure rethrown.
     */
    void attachOvsVnf(LabSpec.Vnf v) {
        try {
            namespace(v.offerId());
            List<String> lines = new ArrayList<>();
            ovsVnfLinks(lines, v);
            Shell.run(List.of("ip", "-batch", "-"), String.join("\n", lines) + "\n");
            txOffloadOff();
            Shell.run(List.of("ip", "-n", ns(v.offerId()), "-batch", "-"), "link set lo up\nlink set in up\nlink set out up\n");
            Shell.run(List.of("ip", "netns", "exec", ns(v.offerId()), "nft", "-f", "-"), vnfTable(v, true));
            int k = stamp(v.offerId());
            List<String> cmd = new ArrayList<>();
            ovsVnfPorts(cmd, v);
            vsctl(cmd.toArray(String[]::new));
            Shell.in(ns("ovs"), "bash", "-c", "ip link set v" + k + "-i up && ip link set v" + k + "-o up");
        } catch (RuntimeException e) {
            detachOvsVnf(v);
            throw e;
        }
    }

    /** Removes a VNF {@link #attachOvsVnf} added: its bridge ports and its namespace (which takes its veths along). */
    void detachOvsVnf(LabSpec.Vnf v) {
        int k = stamp(v.offerId());
        List<String> cmd = new ArrayList<>(List.of("ovs-vsctl", "--db=unix:" + dir.resolve("db.sock"), "--timeout=20",
                "--if-exists", "del-port", "br-" + v.switchId(), "v" + k + "-i", "--", "--if-exists", "del-port", "br-" + v.switchId(), "v" + k + "-o"));
        Shell.exec(cmd, null, Map.of("OVS_RUNDIR", dir.toString()));
        Shell.quietly("ip", "netns", "del", ns(v.offerId()));
        namespaces.remove(ns(v.offerId()));
    }

    private final List<String[]> ovsVeths = new ArrayList<>();

    private void links() {
        List<String> lines = new ArrayList<>();
        veth(lines, "ovs", "a1-host", H_A1, "eth0", "02:00:00:00:0a:01");
        veth(lines, "ovs", "a2-host", H_A2, "eth0", "02:00:00:00:0a:02");
        veth(lines, "ovs", "a2-b1", "b1", "a2", "02:00:00:00:0b:01");
        veth(lines, "b1", "host", H_B1, "eth0", null);
        veth(lines, "b2", "host", H_B2, "eth0", null);
        veth(lines, "b1", "b2", "b2", "b1", null);
        for (LabSpec.Vnf v : spec.ovsVnfs()) {
            ovsVnfLinks(lines, v);
        }
        for (LabSpec.Vnf v : spec.srv6Vnfs()) {
            int k = stamp(v.offerId());
            if (v.srAware()) {
                veth(lines, v.switchId(), "v" + k, v.offerId(), "eth0", null);
            } else {
                veth(lines, v.switchId(), "v" + k + "i", v.offerId(), "in0", null);
                veth(lines, v.switchId(), "v" + k + "o", v.offerId(), "out0", null);
            }
        }
        Shell.run(List.of("ip", "-batch", "-"), String.join("\n", lines) + "\n");
        txOffloadOff();
    }

    /** An OVS VNF's two veths: {@code v<stamp>-i} / {@code v<stamp>-o} in the OVS namespace, {@code in} / {@code out} in its own. */
    private void ovsVnfLinks(List<String> lines, LabSpec.Vnf v) {
        int k = stamp(v.offerId());
        veth(lines, "ovs", "v" + k + "-i", v.offerId(), "in", null);
        veth(lines, "ovs", "v" + k + "-o", v.offerId(), "out", null);
    }

    /**
     * The userspace datapath does not fill in checksums that veths leave to "hardware": turns TX offload off on the
     * veth ends made since the last call.
     */
    private void txOffloadOff() {
        Map<String, List<String>> byNs = new LinkedHashMap<>();
        for (String[] end : ovsVeths) {
            byNs.computeIfAbsent(end[0], k -> new ArrayList<>()).add(end[1]);
        }
        ovsVeths.clear();
        byNs.forEach((node, ifs) -> Shell.in(ns(node), "bash", "-c",
                "for i in " + String.join(" ", ifs) + "; do ethtool -K $i tx off >/dev/null || exit 1; done"));
    }

    private void veth(List<String> lines, String nodeA, String ifA, String nodeB, String ifB, String macB) {
        lines.add("link add " + ifA + " netns " + ns(nodeA) + " type veth peer name " + ifB + " netns " + ns(nodeB)
                + (macB == null ? "" : " address " + macB));
        if (nodeA.equals("ovs")) {
            ovsVeths.add(new String[] {nodeA, ifA});
            ovsVeths.add(new String[] {nodeB, ifB});
        }
    }

    private void addressing(Map<String, List<String>> b) {
        for (Map.Entry<String, List<String>> e : b.entrySet()) {
            String n = e.getKey();
            List<String> l = e.getValue();
            switch (n) {
                case "ovs" -> { }
                case H_A1 -> l.addAll(List.of("link set eth0 up", "addr add fc00:1::1/64 dev eth0 nodad",
                        "neigh replace fc00:1::2 lladdr 02:00:00:00:0a:02 dev eth0 nud permanent",
                        "neigh replace fc00:1::fe lladdr 02:00:00:00:0b:01 dev eth0 nud permanent",
                        "route add fc00:2::/64 via fc00:1::fe"));
                case H_A2 -> l.addAll(List.of("link set eth0 up", "addr add fc00:1::2/64 dev eth0 nodad",
                        "neigh replace fc00:1::1 lladdr 02:00:00:00:0a:01 dev eth0 nud permanent"));
                case H_B1 -> l.addAll(List.of("link set eth0 up", "addr add fc00:3::1/64 dev eth0 nodad",
                        "route add fc00:2::/64 via fc00:3::fe"));
                case H_B2 -> l.addAll(List.of("link set eth0 up", "addr add fc00:2::2/64 dev eth0 nodad"));
                case "b1" -> l.addAll(List.of("link set a2 up", "link set host up", "link set b2 up",
                        "addr add fcbb:0:1::1/128 dev lo", "addr add fc00:1::fe/64 dev a2 nodad",
                        "addr add fc00:3::fe/64 dev host nodad", "addr add fc00:fe00::1/64 dev b2 nodad",
                        "route add fcbb:0:2::/48 via fc00:fe00::2"));
                case "b2" -> l.addAll(List.of("link set b1 up", "link set host up", "addr add fcbb:0:2::1/128 dev lo",
                        "addr add fc00:fe00::2/64 dev b1 nodad", "addr add fc00:2::fe/64 dev host nodad",
                        "route add fcbb:0:1::/48 via fc00:fe00::1"));
                default -> {
                    LabSpec.Vnf v = vnfs.get(n);
                    int k = stamp(n);
                    if (spec.ovsVnfs().contains(v)) {
                        l.addAll(List.of("link set in up", "link set out up"));
                    } else if (v.srAware()) {
                        l.addAll(List.of("link set eth0 up", "addr add fc00:ff:" + k + "::2/64 dev eth0 nodad",
                                "route add default via fc00:ff:" + k + "::1"));
                    } else {
                        l.addAll(List.of("link set in0 up", "link set out0 up", "addr add fc00:ff:" + k + "::2/64 dev in0 nodad",
                                "addr add fc00:fe:" + k + "::2/64 dev out0 nodad", "route add default via fc00:fe:" + k + "::1"));
                    }
                }
            }
        }
        for (LabSpec.Vnf v : spec.srv6Vnfs()) {
            int k = stamp(v.offerId());
            String other = v.switchId().equals("b1") ? "b2" : "b1";
            List<String> r = b.get(v.switchId());
            if (v.srAware()) {
                r.addAll(List.of("link set v" + k + " up", "addr add fc00:ff:" + k + "::1/64 dev v" + k + " nodad",
                        "route add " + locator(k) + "::/48 via fc00:ff:" + k + "::2"));
                b.get(other).add("route add " + locator(k) + "::/48 via fc00:fe00::" + (other.equals("b1") ? "2" : "1"));
            } else {
                r.addAll(List.of("link set v" + k + "i up", "link set v" + k + "o up",
                        "addr add fc00:ff:" + k + "::1/64 dev v" + k + "i nodad",
                        "addr add fc00:fe:" + k + "::1/64 dev v" + k + "o nodad"));
            }
        }
    }

    /** Every stamp a packet can carry: 0 (no VNF) and each VNF's, also of VNFs added while the lab runs. */
    private static List<Integer> allStamps() {
        return java.util.stream.IntStream.rangeClosed(0, Lab.MAX_VNFS).boxed().toList();
    }

    private void nftables() {
        List<Integer> all = allStamps();
        for (String host : HOST_ADDRESS.keySet()) {
            StringBuilder t = new StringBuilder("table ip6 lab {\n");
            counters(t, all);
            t.append("  counter udp9 { }\n  chain input {\n    type filter hook input priority 0;\n");
            all.forEach(s -> t.append("    icmpv6 type echo-request ip6 dscp ").append(s).append(" counter name \"from_").append(s).append("\"\n"));
            t.append("    udp dport 9 counter name \"udp9\"\n  }\n}\n");
            Shell.run(List.of("ip", "netns", "exec", ns(host), "nft", "-f", "-"), t.toString());
        }
        for (LabSpec.Vnf v : vnfs.values()) {
            Shell.run(List.of("ip", "netns", "exec", ns(v.offerId()), "nft", "-f", "-"), vnfTable(v, spec.ovsVnfs().contains(v)));
        }
    }

    /**
     * A VNF's nftables table: it counts echo requests by incoming stamp, drops UDP to port 9 when it filters, and
     * stamps what it forwards; on OVS a netdev ingress bump in the wire ({@code in} to {@code out}).
     */
    private String vnfTable(LabSpec.Vnf v, boolean ovs) {
        List<Integer> all = allStamps();
        int k = stamp(v.offerId());
        StringBuilder t = new StringBuilder();
        if (ovs) {
            t.append("table netdev lab {\n");
            counters(t, all);
            t.append("  counter dropped { }\n  chain ingress {\n    type filter hook ingress device \"in\" priority 0;\n");
            all.forEach(s -> t.append("    meta protocol ip6 icmpv6 type echo-request ip6 dscp ").append(s)
                    .append(" counter name \"from_").append(s).append("\"\n"));
            if (v.filter()) {
                t.append("    meta protocol ip6 meta l4proto udp udp dport 9 counter name \"dropped\" drop\n");
            }
            t.append("    meta protocol ip6 ip6 dscp set ").append(k).append("\n    fwd to \"out\"\n  }\n}\n");
        } else if (v.srAware()) {
            String loc = locator(k) + "::/48";
            t.append("table ip6 lab {\n");
            counters(t, all);
            t.append("  counter dropped { }\n  chain pre {\n    type filter hook prerouting priority 0;\n");
            all.forEach(s -> t.append("    ip6 daddr ").append(loc).append(" ip6 dscp ").append(s)
                    .append(" counter name \"from_").append(s).append("\"\n"));
            t.append("    ip6 daddr ").append(loc).append(" ip6 dscp set ").append(k).append("\n  }\n}\n");
        } else {
            t.append("table ip6 lab {\n");
            counters(t, all);
            t.append("  counter dropped { }\n  chain forward {\n    type filter hook forward priority 0;\n");
            all.forEach(s -> t.append("    icmpv6 type echo-request ip6 dscp ").append(s)
                    .append(" counter name \"from_").append(s).append("\"\n"));
            if (v.filter()) {
                t.append("    udp dport 9 counter name \"dropped\" drop\n");
            }
            t.append("    ip6 dscp set ").append(k).append("\n  }\n}\n");
        }
        return t.toString();
    }

    private static void counters(StringBuilder t, List<Integer> stamps) {
        stamps.forEach(s -> t.append("  counter from_").append(s).append(" { }\n"));
    }

    private void openVswitch() {
        Map<String, String> env = Map.of("OVS_RUNDIR", dir.toString(), "OVS_DBDIR", dir.toString(), "OVS_LOGDIR", dir.toString());
        String db = "unix:" + dir.resolve("db.sock");
        Shell.run("ovsdb-tool", "create", dir.resolve("conf.db").toString(), OVS_SCHEMA);
        processes.add(Shell.start(List.of("ovsdb-server", dir.resolve("conf.db").toString(), "--remote=p" + db,
                "--pidfile=" + dir.resolve("ovsdb-server.pid"), "--unixctl=" + dir.resolve("ovsdb-server.ctl"),
                "--log-file=" + dir.resolve("ovsdb-server.log")), env, dir.resolve("ovsdb-server.out")));
        awaitFile(dir.resolve("db.sock"), "ovsdb-server");
        vsctl("--no-wait", "init");
        processes.add(Shell.start(List.of("ip", "netns", "exec", ns("ovs"), "ovs-vswitchd", db,
                "--pidfile=" + dir.resolve("ovs-vswitchd.pid"), "--unixctl=" + dir.resolve("ovs-vswitchd.ctl"),
                "--log-file=" + dir.resolve("ovs-vswitchd.log")), env, dir.resolve("ovs-vswitchd.out")));
        awaitFile(dir.resolve("ovs-vswitchd.ctl"), "ovs-vswitchd");
        List<String> cmd = new ArrayList<>();
        for (String sw : List.of("a1", "a2")) {
            String br = "br-" + sw;
            cmd.addAll(List.of("--", "add-br", br, "--", "set", "bridge", br, "datapath_type=netdev", "protocols=OpenFlow13",
                    "fail_mode=secure", "other-config:datapath-id=00000000000000" + sw, "other-config:disable-in-band=true",
                    "--", "add-port", br, sw + "-host"));
            String peer = sw.equals("a1") ? "a2" : "a1";
            cmd.addAll(List.of("--", "add-port", br, sw + "-to-" + peer, "--", "set", "interface", sw + "-to-" + peer,
                    "type=patch", "options:peer=" + peer + "-to-" + sw));
            for (LabSpec.Vnf v : spec.ovsVnfs()) {
                if (v.switchId().equals(sw)) {
                    ovsVnfPorts(cmd, v);
                }
            }
            cmd.addAll(List.of("--", "--id=@c" + sw, "create", "controller", "target=\"unix:" + dir.resolve("of.sock") + "\"",
                    "max_backoff=1000", "--", "set", "bridge", br, "controller=@c" + sw));
        }
        cmd.addAll(List.of("--", "add-port", "br-a2", "a2-b1"));
        vsctl(cmd.toArray(String[]::new));
        String ovsNs = ns("ovs");
        Shell.in(ovsNs, "bash", "-c", "for i in $(ls /sys/class/net); do ip link set $i up; done");
    }

    /** An OVS VNF's two ports on its switch's bridge. */
    private void ovsVnfPorts(List<String> cmd, LabSpec.Vnf v) {
        int k = stamp(v.offerId());
        String br = "br-" + v.switchId();
        cmd.addAll(List.of("--", "add-port", br, "v" + k + "-i", "--", "add-port", br, "v" + k + "-o"));
    }

    private void vsctl(String... args) {
        List<String> cmd = new ArrayList<>(List.of("ovs-vsctl", "--db=unix:" + dir.resolve("db.sock"), "--timeout=20"));
        cmd.addAll(List.of(args));
        Shell.Result r = Shell.exec(cmd, null, Map.of("OVS_RUNDIR", dir.toString()));
        if (r.exit() != 0) {
            throw new LabException(String.join(" ", cmd) + " failed: " + r.err().strip());
        }
    }

    private void awaitFile(Path file, String what) {
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!Files.exists(file)) {
            if (System.nanoTime() > until) {
                throw new LabException(what + " did not create " + file + " within 10 s (see the logs in " + dir + ")");
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LabException("interrupted while waiting for " + what, e);
            }
        }
    }
}
