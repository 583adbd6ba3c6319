package org.chainmarket.adapters.srv6;

import com.fasterxml.jackson.databind.JsonNode;
import org.chainmarket.adapters.api.FlowPlanner;
import org.chainmarket.adapters.srv6.Srv6Domain.Installed;
import org.chainmarket.adapters.srv6.Srv6Domain.Res;
import org.chainmarket.adapters.srv6.Srv6Domain.Stage;
import org.chainmarket.schemas.events.Json;
import org.chainmarket.schemas.model.ChainId;
import org.chainmarket.schemas.model.DomainAck.FlowEntry;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The one place where the SRv6 domain reads its chains back from the kernel: in every namespace it writes to,
 * {@code ip -6 -j route show table all proto 199} and {@code ip -6 -j rule show}, turned back into the entries the
 * adapter acknowledged, chain by chain. What it returns is what the kernel holds, whatever the adapter remembers:
 * <ul>
 *   <li>the chain number is in every object (SID {@code <locator>:<c>::<suffix>}, table {@code 65536 + 64 c + k});
 *       the chain id in its name routes (blackholes in table 65536 spelling the id, metric {@code 16 c + chunk}), written
 *       into every namespace the chain has state in; the stage of an entry in its route's metric (stage + 1);</li>
 *   <li>a SID becomes the entry of the VNF or exit it serves ({@code sid:<sid>}), a classification table's default
 *       route with its rule the entry of the incoming device it classifies; addresses are mapped back to the
 *       configured locators, VNFs and attachments, so an entry equals the acknowledged one exactly when the kernel
 *       does what the acknowledgement said;</li>
 *   <li>state of a chain number without a name is reported as {@code unnamed-srv6-<c>}, so that whoever receives the
 *       report can have it removed; a chain whose objects realise no entry is reported with none.</li>
 * </ul>
 */
final class KernelReadBack {
    /** The prefix of the ids under which state without a name is reported. */
    static final String UNNAMED = "unnamed-srv6-";

    private KernelReadBack() {
    }

    /** Whether {@code chain} is an id this class gives state without a name. */
    static boolean unnamed(ChainId chain) {
        return chain.value().startsWith(UNNAMED);
    }

    /**
     * Reads the namespaces now.
     *
     * @throws IllegalStateException when a namespace cannot be read
     */
    static Map<ChainId, Installed> read(Srv6Config config, List<String> vnfOrder, Collection<String> namespaces) {
        Map<String, JsonNode> routes = new LinkedHashMap<>();
        Map<String, JsonNode> rules = new LinkedHashMap<>();
        for (String ns : namespaces) {
            routes.put(ns, json(IpBatch.query(ns, "-6", "-j", "route", "show", "table", "all", "proto", String.valueOf(Srv6Domain.PROTO))));
            rules.put(ns, json(IpBatch.query(ns, "-6", "-j", "rule", "show")));
        }
        return assemble(config, vnfOrder, routes, rules);
    }

    /** Turns what {@code ip -j} printed per namespace back into chains (pure). */
    static Map<ChainId, Installed> assemble(Srv6Config config, List<String> vnfOrder, Map<String, JsonNode> routes,
                                            Map<String, JsonNode> rules) {
        Map<Integer, SortedMap<Integer, byte[]>> names = new TreeMap<>();
        Map<Integer, List<Res>> res = new TreeMap<>();
        Map<Integer, List<FlowEntry>> entries = new TreeMap<>();
        Map<Integer, List<Classified>> classified = new TreeMap<>();
        Map<String, String> iifByTable = new LinkedHashMap<>();
        rules.forEach((ns, list) -> list.forEach(r -> {
            if (r.path("priority").asLong() == Srv6Domain.RULE_PREF && String.valueOf(Srv6Domain.PROTO).equals(r.path("protocol").asText())
                    && r.hasNonNull("iif")) {
                long table = r.path("table").asLong(-1);
                int c = chainOfTable(table);
                if (c > 0) {
                    Stage stage = (table - Srv6Domain.TABLE_BASE) % 64 == 0 ? Stage.INGRESS_RULE : Stage.INNER_RULE;
                    res.computeIfAbsent(c, k -> new ArrayList<>()).add(Srv6Domain.rule(stage, ns, r.get("iif").asText(), table));
                    iifByTable.put(ns + "|" + table, r.get("iif").asText());
                }
            }
        }));
        Sids sids = new Sids(config);
        routes.forEach((ns, list) -> list.forEach(route -> {
            String tableText = route.path("table").asText("main");
            long metric = route.path("metric").asLong(0);
            if (tableText.equals(String.valueOf(Srv6Domain.NAME_TABLE))) {
                if ("blackhole".equals(route.path("type").asText())) {
                    int c = (int) (metric >> 4);
                    names.computeIfAbsent(c, k -> new TreeMap<>()).putIfAbsent((int) (metric & 0xf), bytes(route.path("dst").asText()));
                    res.computeIfAbsent(c, k -> new ArrayList<>()).add(new Res(Stage.NAME, ns, "name " + c + "." + (metric & 0xf), "",
                            "route del blackhole " + route.path("dst").asText() + "/128 table " + Srv6Domain.NAME_TABLE + " metric " + metric));
                }
            } else if (tableText.equals("main")) {
                if ("seg6local".equals(route.path("encap").asText())) {
                    sid(config, vnfOrder, sids, ns, route, metric, res, entries);
                }
            } else {
                long table = route.path("table").asLong(-1);
                int c = chainOfTable(table);
                if (c <= 0) {
                    return;
                }
                Stage stage = (table - Srv6Domain.TABLE_BASE) % 64 == 0 ? Stage.INGRESS_TABLE : Stage.INNER_TABLE;
                String dst = route.path("dst").asText();
                if ("throw".equals(route.path("type").asText())) {
                    res.computeIfAbsent(c, k -> new ArrayList<>()).add(Srv6Domain.throwRoute(stage, ns, table, dst));
                } else if ("default".equals(dst)) {
                    classified.computeIfAbsent(c, k -> new ArrayList<>()).add(new Classified(ns, table, stage, route, metric));
                }
            }
        }));
        classified.forEach((c, list) -> list.forEach(k -> classification(config, vnfOrder, sids, c, k,
                iifByTable.get(k.ns() + "|" + k.table()), res, entries)));

        Map<ChainId, Installed> out = new LinkedHashMap<>();
        for (int c : res.keySet()) {
            ChainId id = name(names.get(c)).orElse(null);
            if (id == null) {
                id = ChainId.of(UNNAMED + c);
            }
            String tag = id.value();
            List<FlowEntry> tagged = entries.getOrDefault(c, List.of()).stream()
                    .map(e -> new FlowEntry(e.switchId(), tag, e.stage(), e.priority(), e.inPort(), e.actions())).toList();
            out.put(id, new Installed(c, List.copyOf(res.get(c)), tagged));
        }
        return out;
    }

    /** A classification table's default route, read before its rule is matched to it. */
    private record Classified(String ns, long table, Stage stage, JsonNode route, long metric) {
    }

    private static void sid(Srv6Config config, List<String> vnfOrder, Sids sids, String ns, JsonNode route, long metric,
                            Map<Integer, List<Res>> res, Map<Integer, List<FlowEntry>> entries) {
        Sids.Sid sid = sids.parse(route.path("dst").asText());
        if (sid == null) {
            return; // not a SID of this domain's locators
        }
        int stage = (int) Math.max(0, metric - 1);
        String action = route.path("action").asText();
        String nh6 = route.path("nh6").asText(null);
        String dev = route.path("dev").asText();
        String switchId = null;
        List<String> actions = null;
        String behaviour = action + (nh6 == null ? "" : " nh6 " + nh6) + " count dev " + dev;
        if (sid.suffix() == 1 && "End".equals(action)) {
            for (String offer : vnfOrder) {
                Srv6Config.Vnf v = config.vnfs().get(offer);
                if (v.srAware() && ns.equals(v.namespace()) && sid.locator().equals(v.locator())) {
                    switchId = v.switchId();
                    actions = List.of("seg6local End", "vnf:" + offer);
                    behaviour = "End count dev " + v.device();
                }
            }
        } else if (sid.suffix() >= 0x100 && sid.suffix() < 0x100 + vnfOrder.size() && "End.DX6".equals(action)) {
            String offer = vnfOrder.get(sid.suffix() - 0x100);
            Srv6Config.Vnf v = config.vnfs().get(offer);
            if (!v.srAware() && sameAddress(nh6, v.address())) {
                switchId = v.switchId();
                actions = List.of("seg6local End.DX6 nh6 " + v.address(), "output:vnf:" + offer);
                behaviour = "End.DX6 nh6 " + v.address() + " count dev " + v.toDevice();
            }
        } else if ((sid.suffix() & 0xff00) == 0xd600 && "End.DX6".equals(action)) {
            for (Map.Entry<String, Srv6Config.Router> r : config.routers().entrySet()) {
                if (!r.getValue().namespace().equals(ns)) {
                    continue;
                }
                for (Map.Entry<String, Srv6Config.Attachment> a : new TreeMap<>(r.getValue().attachments()).entrySet()) {
                    if (a.getValue().device().equals(dev) && sameAddress(nh6, a.getValue().neighbour())) {
                        switchId = r.getKey();
                        actions = List.of("seg6local End.DX6 nh6 " + a.getValue().neighbour(), "output:" + a.getKey());
                        behaviour = "End.DX6 nh6 " + a.getValue().neighbour() + " count dev " + a.getValue().device();
                    }
                }
            }
        }
        if (actions == null) {
            switchId = switchOf(config, ns);
            actions = List.of("seg6local " + action + (nh6 == null ? "" : " nh6 " + nh6), "dev " + dev);
        }
        res.computeIfAbsent(sid.chain(), k -> new ArrayList<>()).add(Srv6Domain.sid(ns, sid.text(), behaviour, stage));
        entries.computeIfAbsent(sid.chain(), k -> new ArrayList<>())
                .add(new FlowEntry(switchId, "-", stage, FlowPlanner.PRIORITY, "sid:" + sid.text(), actions));
    }

    private static void classification(Srv6Config config, List<String> vnfOrder, Sids sids, int c, Classified k, String iif,
                                       Map<Integer, List<Res>> res, Map<Integer, List<FlowEntry>> entries) {
        int stage = (int) Math.max(0, k.metric() - 1);
        JsonNode route = k.route();
        String dev = route.path("dev").asText();
        String routeText;
        String action;
        if ("seg6".equals(route.path("encap").asText())) {
            List<String> segs = new ArrayList<>();
            route.path("segs").forEach(s -> {
                Sids.Sid sid = sids.parse(s.asText());
                segs.add(sid == null ? s.asText() : sid.text());
            });
            String list = String.join(",", segs);
            routeText = "encap seg6 mode " + route.path("mode").asText("encap") + " segs " + list + " dev " + dev;
            action = "seg6 encap segs [" + list + "]";
        } else {
            String via = route.path("gateway").asText(null);
            routeText = "via " + via + " dev " + dev;
            action = "output:via " + via + " dev " + dev;
            for (String offer : vnfOrder) {
                Srv6Config.Vnf v = config.vnfs().get(offer);
                if (!v.srAware() && dev.equals(v.toDevice()) && sameAddress(via, v.address())) {
                    routeText = "via " + v.address() + " dev " + v.toDevice();
                    action = "output:vnf:" + offer;
                }
            }
            for (Srv6Config.Router r : config.routers().values()) {
                if (r.namespace().equals(k.ns())) {
                    for (Map.Entry<String, Srv6Config.Attachment> a : new TreeMap<>(r.attachments()).entrySet()) {
                        if (a.getValue().device().equals(dev) && sameAddress(via, a.getValue().neighbour())) {
                            routeText = "via " + a.getValue().neighbour() + " dev " + a.getValue().device();
                            action = "output:" + a.getKey();
                        }
                    }
                }
            }
        }
        res.computeIfAbsent(c, x -> new ArrayList<>()).add(Srv6Domain.defaultRoute(k.stage(), k.ns(), k.table(), routeText, stage));
        String switchId = switchOf(config, k.ns());
        String inPort = "unclassified";
        int index = (int) ((k.table() - Srv6Domain.TABLE_BASE) % 64);
        if (iif != null && index == 0) {
            for (Srv6Config.Router r : config.routers().values()) {
                if (r.namespace().equals(k.ns())) {
                    for (Map.Entry<String, Srv6Config.Attachment> a : new TreeMap<>(r.attachments()).entrySet()) {
                        if (a.getValue().device().equals(iif)) {
                            inPort = a.getKey();
                        }
                    }
                }
            }
        } else if (iif != null && index - 1 < vnfOrder.size()) {
            String offer = vnfOrder.get(index - 1);
            Srv6Config.Vnf v = config.vnfs().get(offer);
            if (iif.equals(v.fromDevice())) {
                switchId = v.switchId();
                inPort = "vnf:" + offer;
            }
        }
        entries.computeIfAbsent(c, x -> new ArrayList<>()).add(new FlowEntry(switchId, "-", stage, FlowPlanner.PRIORITY, inPort,
                List.of(action)));
    }

    /** The chain number of a classification table, or 0 when the table is no chain's. */
    private static int chainOfTable(long table) {
        long n = table - Srv6Domain.TABLE_BASE;
        return n < 64 || n / 64 > 0xffff ? 0 : (int) (n / 64);
    }

    private static String switchOf(Srv6Config config, String ns) {
        return config.routers().entrySet().stream().filter(r -> r.getValue().namespace().equals(ns)).map(Map.Entry::getKey)
                .findFirst().orElseGet(() -> config.vnfs().values().stream().filter(v -> ns.equals(v.namespace()))
                        .map(Srv6Config.Vnf::switchId).findFirst().orElse(ns));
    }

    /** The chain id spelled by name chunks (16 bytes each, by index), when complete and valid. */
    private static java.util.Optional<ChainId> name(SortedMap<Integer, byte[]> chunks) {
        if (chunks == null || chunks.isEmpty() || chunks.firstKey() != 0 || chunks.lastKey() != chunks.size() - 1) {
            return java.util.Optional.empty();
        }
        StringBuilder s = new StringBuilder();
        chunks.values().forEach(b -> {
            for (byte x : b) {
                if (x != 0) {
                    s.append((char) (x & 0xff));
                }
            }
        });
        try {
            return java.util.Optional.of(ChainId.of(s.toString()));
        } catch (IllegalArgumentException e) {
            return java.util.Optional.empty();
        }
    }

    /** The IPv6 address (RFC 5952 text) whose 16 bytes are {@code b}. */
    static String address(byte[] b) {
        try {
            return compress(InetAddress.getByAddress(Arrays.copyOf(b, 16)).getHostAddress());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static String compress(String full) {
        String[] h = full.split(":");
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (Integer.parseInt(h[i], 16) == 0) {
                int j = i;
                while (j < 8 && Integer.parseInt(h[j], 16) == 0) {
                    j++;
                }
                if (j - i > bestLen) {
                    bestStart = i;
                    bestLen = j - i;
                }
                i = j;
            } else {
                i++;
            }
        }
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            parts.add(Integer.toHexString(Integer.parseInt(h[i], 16)));
        }
        if (bestStart < 0) {
            return String.join(":", parts);
        }
        return String.join(":", parts.subList(0, bestStart)) + "::" + String.join(":", parts.subList(bestStart + bestLen, 8));
    }

    /** The 16 bytes of an IPv6 address literal. */
    static byte[] bytes(String address) {
        try {
            String a = address.contains("/") ? address.substring(0, address.indexOf('/')) : address;
            return InetAddress.getByName(a).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException("not an IPv6 address: " + address, e);
        }
    }

    private static boolean sameAddress(String a, String b) {
        if (a == null || b == null) {
            return Objects.equals(a, b);
        }
        return Arrays.equals(bytes(a), bytes(b));
    }

    private static JsonNode json(String text) {
        try {
            return text.isBlank() ? Json.MAPPER.createArrayNode() : Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException("ip -j printed what is not JSON: " + text, e);
        }
    }

    /** Maps SID addresses back to the configured locators, so they are written as the adapter writes them. */
    private static final class Sids {
        private final Map<String, String> locators = new LinkedHashMap<>();

        Sids(Srv6Config config) {
            config.routers().values().forEach(r -> put(r.locator()));
            config.vnfs().values().stream().filter(Srv6Config.Vnf::srAware).forEach(v -> put(v.locator()));
        }

        private void put(String locator) {
            locators.put(new String(Arrays.copyOf(bytes(locator + "::"), 6), StandardCharsets.ISO_8859_1), locator);
        }

        /** A SID of this domain's form, {@code <locator>:<c>::<suffix>}. */
        record Sid(String locator, int chain, int suffix, String text) {
        }

        /** The SID {@code address} stands for, or null when it has not the form of this domain's SIDs. */
        Sid parse(String address) {
            byte[] b = bytes(address);
            String locator = locators.get(new String(Arrays.copyOf(b, 6), StandardCharsets.ISO_8859_1));
            if (locator == null) {
                return null;
            }
            for (int i = 8; i < 14; i++) {
                if (b[i] != 0) {
                    return null;
                }
            }
            int c = ((b[6] & 0xff) << 8) | (b[7] & 0xff);
            int suffix = ((b[14] & 0xff) << 8) | (b[15] & 0xff);
            return c == 0 ? null : new Sid(locator, c, suffix, Srv6Domain.sidText(locator, c, suffix));
        }
    }
}
