package org.chainmarket.deploy.placement;

import com.fasterxml.jackson.databind.JsonNode;
import org.chainmarket.adapters.emulated.EmulatedDomain;
import org.chainmarket.deploy.Api;
import org.chainmarket.deploy.Marketplace;
import org.chainmarket.deploy.demo.DemoMarket;
import org.chainmarket.schemas.model.CatalogueEntry;
import org.chainmarket.schemas.model.PlacementPlan;
import org.chainmarket.schemas.model.ProviderDomain;
import org.chainmarket.schemas.model.VnfOffer;
import org.chainmarket.selection.topology.Topology;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Abilene among three providers with VNF clouds at Seattle (west), Kansas City (central), Washington and New York
 * (east), each offering a firewall; every provider's catalogue lets it run a firewall and a DPI at each of its clouds.
 * The placement service runs beside the broker: plans at least every 5 minutes, after 3 capacity rejections, no two
 * closer than 1 s, idle instances stopped after 1 s of grace; the broker reports demand every second and retries
 * drains every second.
 */
final class PlacementMarket {
    static final String NEW_YORK = "new-york";
    static final String WASHINGTON = "washington-dc";

    private PlacementMarket() {
    }

    /** The market, with a running DPI at New York when {@code dpiAtNewYork}, otherwise no DPI anywhere. */
    static Marketplace start(boolean dpiAtNewYork) {
        return start(dpiAtNewYork, "");
    }

    /** As {@link #start(boolean)}, with the decisions of {@code approval} (comma-separated providers) waiting for approval. */
    static Marketplace start(boolean dpiAtNewYork, String approval) {
        DemoMarket demo = DemoMarket.withVnfClouds(Topology.bundled("Abilene"), 3, List.of("seattle", "kansas-city", WASHINGTON, NEW_YORK),
                List.of("firewall", "dpi"), 1000, 50, 10_000, 13);
        List<Marketplace.ProviderSetup> setups = new ArrayList<>();
        for (DemoMarket.Provider p : demo.providers()) {
            List<CatalogueEntry> catalogue = p.catalogue();
            List<VnfOffer> offers = p.offers().stream()
                    .filter(o -> !o.vnfType().equals("dpi") || (dpiAtNewYork && o.siteId().endsWith("-" + NEW_YORK))).toList();
            setups.add(new Marketplace.ProviderSetup(new EmulatedDomain(p.domain(), offers, catalogue), offers));
        }
        return Marketplace.start(setups, Map.of("micronaut.server.port", "-1",
                Marketplace.PLACEMENT, "true",
                Marketplace.PLACEMENT_REJECTION_THRESHOLD, "3",
                Marketplace.PLACEMENT_MIN_GAP, "1s",
                Marketplace.PLACEMENT_APPROVAL, approval,
                Marketplace.PLACEMENT_IDLE_GRACE, "1s",
                "chainmarket.placement.demand-interval", "1s",
                "chainmarket.placement.drain-retry", "1s"));
    }

    /** An order for one DPI from New York to New York: 100 Mbit/s within 10 ms for at most 50 EUR/h. */
    static String dpiOrder() {
        return "{\"vnfTypes\":[\"dpi\"],\"ingress\":\"" + NEW_YORK + "\",\"egress\":\"" + NEW_YORK + "\",\"bandwidthMbps\":100,"
                + "\"maxLatencyMs\":10,\"maxPricePerHour\":50}";
    }

    /** The site id of {@code switchId}'s cloud in the demo's naming. */
    static String site(Marketplace market, String switchId) {
        return market.domains().values().stream().flatMap(d -> d.domain().sites().stream())
                .filter(s -> s.switchId().equals(switchId)).map(ProviderDomain.Site::siteId).findFirst().orElseThrow();
    }

    /** Whether the broker has the offer and it is not withdrawn. */
    static boolean advertised(Api api, String offerId) {
        Api.Response r = api.get("/api/v1/offers/" + offerId);
        return r.status() == 200 && !r.body().path("withdrawn").asBoolean();
    }

    /** Every site of every domain has no more vCPU and memory taken than it has. */
    static void noSiteOverbooked(Marketplace market) {
        for (EmulatedDomain d : market.domains().values()) {
            for (ProviderDomain.Site s : d.domain().sites()) {
                assertThat(d.placement().freeVcpu(s.siteId())).as("free vCPU at %s", s.siteId()).isGreaterThanOrEqualTo(0);
                assertThat(d.placement().freeMemoryGb(s.siteId())).as("free memory at %s", s.siteId()).isGreaterThanOrEqualTo(0);
            }
        }
    }

    /** Every offer the broker has holds no more than its capacity. */
    static void noOfferOverbooked(Api api) {
        for (JsonNode o : api.get("/api/v1/offers").body()) {
            assertThat(o.get("reservedMbps").asDouble()).as("offer %s", o.get("offer").get("offerId").asText())
                    .isLessThanOrEqualTo(o.get("offer").get("capacityMbps").asDouble());
        }
    }

    /** The decisions of the service's recent plans, newest plan first. */
    static List<PlacementPlan.Decision> decisions(Marketplace market) {
        return market.placement().orElseThrow().recentPlans().stream().flatMap(p -> p.decisions().stream()).toList();
    }
}
