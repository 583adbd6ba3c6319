package org.chainmarket.adapters.lab.bench;

import org.chainmarket.adapters.lab.Drive;
import org.chainmarket.adapters.lab.Lab;
import org.chainmarket.adapters.lab.LabSpec;
import org.chainmarket.adapters.openflow.OpenFlowDomain;
import org.chainmarket.adapters.srv6.Srv6Domain;
import org.chainmarket.schemas.model.ChainId;

import java.time.Duration;
import java.util.List;

/**
 * The lab as a walk-through: builds the standard lab, runs both real adapters, installs a two-provider chain
 * (OVS firewall, then SR-unaware DPI and SR-aware NAT on SRv6) with domain commands as the adapter runner would,
 * pings through it, prints where the packets went (nftables stamps, OpenFlow flow statistics, per-SID counters),
 * swaps the firewall under 20 packets per second, tears the chain down and removes the lab. Needs root.
 */
public final class LabDemo {
    private LabDemo() {
    }

    public static void main(String[] args) throws Exception {
        Lab.unavailable().ifPresent(reason -> {
            System.err.println("cannot run the lab demo: " + reason);
            System.exit(2);
        });
        try (Lab lab = Lab.start(LabSpec.standard())) {
            System.out.println("lab " + lab.id() + ": namespaces " + lab.namespaces());
            OpenFlowDomain ovs = new OpenFlowDomain(lab.openFlowConfig());
            Srv6Domain srv6 = new Srv6Domain(lab.srv6Config());
            try {
                Drive drive = new Drive();
                drive.activate(ovs, srv6);
                ovs.awaitSwitches(Duration.ofSeconds(15));
                ChainId chain = ChainId.of("demo");
                List<String> sr = List.of("b-dpi1@b1", "b-nat@b2");
                Drive.Timed a = drive.run(ovs, Drive.setup(chain, Lab.OVS, Drive.segment(Lab.OVS, "a1", null, "a2", "b1", "a-fw1@a1")));
                Drive.Timed b = drive.run(srv6, Drive.setup(chain, Lab.SRV6, Drive.segment(Lab.SRV6, "b1", "a2", "b2", null, sr.toArray(String[]::new))));
                System.out.printf("set up in %.1f ms (OpenFlow) and %.1f ms (SRv6)%n", a.millis(), b.millis());
                a.ack().flowEntries().forEach(e -> System.out.println("  lab-ovs  " + e));
                b.ack().flowEntries().forEach(e -> System.out.println("  lab-srv6 " + e));

                int sent = lab.ping(Lab.H_A1, Lab.address(Lab.H_B2), 20, 50);
                System.out.println("\nsent " + sent + " echo requests h-a1 -> h-b2; arrivals by stamp of the last VNF:");
                for (Lab.Arrival e : lab.expectedArrivals(List.of("a-fw1", "b-dpi1", "b-nat"), Lab.H_B2)) {
                    System.out.printf("  %-7s from stamp %d: %d%n", e.node(), e.fromStamp(), lab.received(e.node(), e.fromStamp()));
                }
                Thread.sleep(1000); // the userspace datapath pushes counters to the OpenFlow rules about twice a second
                ovs.flowStats(chain).forEach(s -> System.out.println("  flow  " + s));
                srv6.sidCounters(chain).forEach(s -> System.out.println("  sid   " + s));

                System.out.println("\nreplacing firewall a-fw1 by a-fw2 while 20 packets per second flow ...");
                lab.resetCounters();
                Lab.Pinger pinger = lab.pingInBackground(Lab.H_A1, Lab.address(Lab.H_B2), 60, 20);
                Thread.sleep(1000);
                Drive.Timed r = drive.run(ovs, Drive.setup(chain, Lab.OVS, Drive.segment(Lab.OVS, "a1", null, "a2", "b1", "a-fw2@a2")));
                int during = pinger.await(Duration.ofSeconds(20));
                System.out.printf("  replaced in %.1f ms; sent %d, arrived %d (via a-fw1: %d, via a-fw2: %d)%n", r.millis(), during,
                        lab.receivedTotal(Lab.H_B2), lab.received("b-dpi1", lab.stamp("a-fw1")), lab.received("b-dpi1", lab.stamp("a-fw2")));

                drive.run(ovs, Drive.teardown(chain, Lab.OVS));
                drive.run(srv6, Drive.teardown(chain, Lab.SRV6));
                System.out.println("\ntorn down: OpenFlow rules of the chain " + ovs.flowStats(chain).size() + ", SRv6 state "
                        + srv6.namespaces().stream().mapToInt(ns -> srv6.kernelState(ns).size()).sum());
            } finally {
                ovs.close();
                srv6.close();
            }
        }
    }
}
