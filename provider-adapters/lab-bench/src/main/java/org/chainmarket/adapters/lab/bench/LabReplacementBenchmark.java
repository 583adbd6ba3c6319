package org.chainmarket.adapters.lab.bench;

import org.chainmarket.adapters.api.PathProvider;
import org.chainmarket.adapters.lab.Drive;
import org.chainmarket.adapters.lab.Lab;
import org.chainmarket.adapters.lab.LabSpec;
import org.chainmarket.adapters.openflow.OpenFlowDomain;
import org.chainmarket.adapters.srv6.Srv6Domain;
import org.chainmarket.schemas.model.ChainId;
import org.chainmarket.schemas.model.DomainCommand;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Repeats the lab tests' replacement under traffic and counts what is lost: per round, a chain is set up, 60 echo
 * requests flow at 20 per second, after one second the chain's first VNF is swapped (OpenFlow: a-fw1 at a1 for a-fw2
 * at a2, the monitor kept; SRv6: the NAT for the spare DPI), and the destination's counters are read once they stop
 * moving. Prints one row per adapter: rounds, rounds that lost a packet, packets lost of those sent, packets that
 * crossed both the old and the new VNF, and the replacement's time. Needs root and the lab's tools.
 *
 * <p>Usage: {@code LabReplacementBenchmark [rounds]} (default 30).
 */
public final class LabReplacementBenchmark {
    private LabReplacementBenchmark() {
    }

    public static void main(String[] args) throws InterruptedException {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        Lab.unavailable().ifPresent(reason -> {
            System.err.println("cannot run the replacement benchmark: " + reason);
            System.exit(2);
        });
        String ovsRow;
        String srv6Row;
        try (Lab lab = Lab.start(LabSpec.standard())) {
            OpenFlowDomain ovs = new OpenFlowDomain(lab.openFlowConfig());
            Srv6Domain srv6 = new Srv6Domain(lab.srv6Config());
            try {
                Drive drive = new Drive();
                drive.activate(ovs, srv6);
                ovs.awaitSwitches(Duration.ofSeconds(15));
                ovsRow = rounds(lab, drive, ovs, "OpenFlow (OVS 3.1 userspace): a-fw1 -> a-fw2", rounds,
                        chain -> Drive.setup(chain, Lab.OVS, Drive.segment(Lab.OVS, "a1", null, "a2", null, "a-fw1@a1", "a-mon@a2")),
                        chain -> Drive.setup(chain, Lab.OVS, Drive.segment(Lab.OVS, "a1", null, "a2", null, "a-fw2@a2", "a-mon@a2")),
                        chain -> Drive.teardown(chain, Lab.OVS), Lab.H_A1, Lab.H_A2, "a-fw1", "a-fw2");
                srv6Row = rounds(lab, drive, srv6, "SRv6 (Linux " + System.getProperty("os.version") + "): b-nat -> b-dpi2", rounds,
                        chain -> Drive.setup(chain, Lab.SRV6, Drive.segment(Lab.SRV6, "b1", null, "b2", null, "b-dpi1@b1", "b-nat@b2")),
                        chain -> Drive.setup(chain, Lab.SRV6, Drive.segment(Lab.SRV6, "b1", null, "b2", null, "b-dpi1@b1", "b-dpi2@b2")),
                        chain -> Drive.teardown(chain, Lab.SRV6), Lab.H_B1, Lab.H_B2, null, null);
            } finally {
                ovs.close();
                srv6.close();
            }
        }
        System.out.println();
        System.out.println("| adapter: replaced VNF | rounds | rounds with a loss | echo requests lost / sent | through old and new VNF "
                + "| replace ms (median / p95 / max) |");
        System.out.println("|---|---|---|---|---|---|");
        System.out.println(ovsRow);
        System.out.println(srv6Row);
        System.out.printf(Locale.ROOT, "%nload average at the end: %.2f on %d CPUs%n",
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                Runtime.getRuntime().availableProcessors());
    }

    /** One adapter's rounds; {@code oldVnf} and {@code newVnf}, when given, count packets that crossed both. */
    private static String rounds(Lab lab, Drive drive, PathProvider adapter, String name, int rounds,
                                 Function<ChainId, DomainCommand> before, Function<ChainId, DomainCommand> after,
                                 Function<ChainId, DomainCommand> teardown, String src, String dst, String oldVnf,
                                 String newVnf) throws InterruptedException {
        double[] millis = new double[rounds];
        int lossy = 0;
        long lost = 0;
        long sent = 0;
        long both = 0;
        for (int r = 0; r < rounds; r++) {
            ChainId chain = ChainId.of("replace-" + r);
            lab.resetCounters();
            drive.run(adapter, before.apply(chain));
            Lab.Pinger pinger = lab.pingInBackground(src, Lab.address(dst), 60, 20);
            Thread.sleep(1000);
            millis[r] = drive.run(adapter, after.apply(chain)).millis();
            int n = pinger.await(Duration.ofSeconds(20));
            long got = lab.settledReceivedTotal(dst);
            sent += n;
            lost += n - got;
            if (got < n) {
                lossy++;
                System.out.printf(Locale.ROOT, "%s round %d lost %d of %d (replace %.2f ms); counters: %s%n", name, r, n - got, n,
                        millis[r], counters(lab, src, dst));
            }
            if (oldVnf != null) {
                both += lab.received(newVnf, lab.stamp(oldVnf));
            }
            drive.run(adapter, teardown.apply(chain));
        }
        Arrays.sort(millis);
        return String.format(Locale.ROOT, "| %s | %d | %d | %d / %d | %s | %.2f / %.2f / %.2f |", name, rounds, lossy, lost, sent,
                oldVnf == null ? "-" : String.valueOf(both), millis[rounds / 2],
                millis[Math.min(rounds - 1, (int) Math.ceil(0.95 * rounds) - 1)], millis[rounds - 1]);
    }

    /** Every host's and VNF's non-zero counters, for a round that lost something. */
    private static String counters(Lab lab, String... hosts) {
        StringBuilder out = new StringBuilder();
        List<String> nodes = new ArrayList<>(List.of(hosts));
        lab.ovsOffers().forEach(o -> nodes.add(o.offerId().value()));
        lab.srv6Offers().forEach(o -> nodes.add(o.offerId().value()));
        for (String node : nodes) {
            lab.counters(node).forEach((k, v) -> {
                if (v > 0) {
                    out.append(node).append('.').append(k).append('=').append(v).append(' ');
                }
            });
        }
        return out.toString().strip();
    }
}
