package org.chainmarket.deploy.experiments;

import org.chainmarket.deploy.demo.DemoMarket;
import org.chainmarket.schemas.events.Json;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The benchmarks' orders: {@code hops} demo VNF types drawn at random, between two different random switches,
 * 10 Mbit/s within 200 ms and 100 per hour (loose bounds: every order the market has room for fits them).
 */
final class RandomOrders {
    private RandomOrders() {
    }

    /** An order's JSON body drawn from {@code random}. */
    static String body(List<String> switches, Random random, int hops) {
        String ingress = switches.get(random.nextInt(switches.size()));
        String egress;
        do {
            egress = switches.get(random.nextInt(switches.size()));
        } while (egress.equals(ingress));
        List<String> types = new ArrayList<>();
        for (int k = 0; k < hops; k++) {
            types.add(DemoMarket.VNF_TYPES.get(random.nextInt(DemoMarket.VNF_TYPES.size())));
        }
        return Json.text(Map.of("vnfTypes", types, "ingress", ingress, "egress", egress,
                "bandwidthMbps", 10, "maxLatencyMs", 200, "maxPricePerHour", 100));
    }
}
