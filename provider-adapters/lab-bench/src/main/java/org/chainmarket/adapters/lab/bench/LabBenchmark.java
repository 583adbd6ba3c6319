package org.chainmarket.adapters.lab.bench;

import org.chainmarket.adapters.api.PathProvider;
import org.chainmarket.adapters.lab.Drive;
import org.chainmarket.adapters.lab.Lab;
import org.chainmarket.adapters.lab.LabSpec;
import org.chainmarket.adapters.openflow.OpenFlowDomain;
import org.chainmarket.adapters.srv6.Srv6Domain;
import org.chainmarket.schemas.model.ChainId;
import org.chainmarket.schemas.model.DomainAck;
import org.chainmarket.schemas.model.ProviderId;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Times both real adapters on the namespace lab: SETUP of a 3- and a 5-VNF chain (command handed to the adapter until
 * it answers), replacing the chain's last VNF (make-before-break: one bundle per switch), and TEARDOWN; counts
 * the entries per switch; and checks once per size that real echo requests cross the chain in order. Prints a table
 * next to paper 003's figures (Floodlight + Mininet, Abilene: 36.32 ms and 50.14 ms to set up 3 and 5 VNFs, 153
 * and 253 flow entries, 0.3 s to redirect). Needs root and the lab's tools.
 *
 * <p>Usage: {@code LabBenchmark [repetitions]} (default 20).
 */
public final class LabBenchmark {
    private LabBenchmark() {
    }

    public static void main(String[] args) {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        Lab.unavailable().ifPresent(reason -> {
            System.err.println("cannot run the lab benchmark: " + reason);
            System.exit(2);
        });
        List<String> rows = new ArrayList<>();
        try (Lab lab = Lab.start(LabSpec.bench(6))) {
            OpenFlowDomain ovs = new OpenFlowDomain(lab.openFlowConfig());
            Srv6Domain srv6 = new Srv6Domain(lab.srv6Config());
            try {
                Drive drive = new Drive();
                drive.activate(ovs, srv6);
                ovs.awaitSwitches(Duration.ofSeconds(15));
                for (int n : new int[] {3, 5}) {
                    // OVS: the a1 VNFs first, then the a2 ones (the a1-a2 link crossed once)
                    List<String> ovsChain = new ArrayList<>();
                    for (int i = 0; i < n; i += 2) {
                        ovsChain.add("a-v" + i + "@a1");
                    }
                    for (int i = 1; i < n; i += 2) {
                        ovsChain.add("a-v" + i + "@a2");
                    }
                    rows.add(measure(lab, drive, "OpenFlow (OVS 3.1 userspace)", ovs, Lab.OVS, "a1", "a2", ovsChain, "a-v5@a2",
                            Lab.H_A1, Lab.H_A2, reps));
                    List<String> srChain = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        srChain.add("b-v" + i + "@" + (i % 2 == 0 ? "b1" : "b2"));
                    }
                    rows.add(measure(lab, drive, "SRv6 (Linux " + System.getProperty("os.version") + ")", srv6, Lab.SRV6, "b1", "b2",
                            srChain, "b-v5@b2", Lab.H_B1, Lab.H_B2, reps));
                }
            } finally {
                ovs.close();
                srv6.close();
            }
        }
        System.out.println();
        System.out.println("| adapter | VNFs | set-up ms (median / p95) | replace last VNF ms (median / p95) | teardown ms (median) "
                + "| entries per switch | echo requests through the chain in order | paper 003 set-up (Floodlight) |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        rows.forEach(System.out::println);
        System.out.println();
        System.out.println("repetitions: " + reps + "; paper 003: 3 VNFs 36.32 ms (153 flow entries), 5 VNFs 50.14 ms "
                + "(253 flow entries), path redirection 0.3 s");
    }

    private static String measure(Lab lab, Drive drive, String name, PathProvider adapter, ProviderId provider, String in,
                                  String out, List<String> chain, String spare, String src, String dst, int reps) {
        double[] setup = new double[reps];
        double[] replace = new double[reps];
        double[] teardown = new double[reps];
        List<String> replaced = new ArrayList<>(chain.subList(0, chain.size() - 1));
        replaced.add(spare);
        DomainAck first = null;
        String delivered = "";
        for (int r = 0; r < reps; r++) {
            ChainId id = ChainId.of("bench-" + provider + "-" + chain.size() + "-" + r);
            Drive.Timed s = drive.run(adapter, Drive.setup(id, provider, Drive.segment(provider, in, null, out, null, chain.toArray(String[]::new))));
            setup[r] = s.millis();
            if (r == 0) {
                first = s.ack();
                lab.resetCounters();
                int sent = lab.ping(src, Lab.address(dst), 10, 100);
                List<String> offers = chain.stream().map(c -> c.split("@")[0]).toList();
                boolean inOrder = lab.expectedArrivals(offers, dst).stream().allMatch(a -> lab.received(a.node(), a.fromStamp()) == sent);
                delivered = (inOrder ? sent : 0) + " of " + sent;
            }
            replace[r] = drive.run(adapter, Drive.setup(id, provider, Drive.segment(provider, in, null, out, null, replaced.toArray(String[]::new)))).millis();
            teardown[r] = drive.run(adapter, Drive.teardown(id, provider)).millis();
        }
        Map<String, Long> perSwitch = new TreeMap<>(first.flowEntries().stream()
                .collect(Collectors.groupingBy(DomainAck.FlowEntry::switchId, Collectors.counting())));
        String entries = perSwitch.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).collect(Collectors.joining(", "));
        String paper = chain.size() == 3 ? "36.32 ms" : chain.size() == 5 ? "50.14 ms" : "-";
        return String.format(Locale.ROOT, "| %s | %d | %.2f / %.2f | %.2f / %.2f | %.2f | %s | %s | %s |", name, chain.size(),
                pct(setup, 50), pct(setup, 95), pct(replace, 50), pct(replace, 95), pct(teardown, 50), entries, delivered, paper);
    }

    private static double pct(double[] values, int p) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v[Math.min(v.length - 1, (int) Math.ceil(p / 100.0 * v.length) - 1)];
    }
}
