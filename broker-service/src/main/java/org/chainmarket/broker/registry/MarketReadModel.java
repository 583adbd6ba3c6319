package org.chainmarket.broker.registry;

import org.chainmarket.schemas.model.SubjectKind;
import jakarta.inject.Singleton;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.ProviderDomain;
import org.chainmarket.schemas.model.ProviderId;
import org.chainmarket.schemas.model.VnfOffer;
import org.chainmarket.selection.MarketSnapshot;
import org.chainmarket.selection.OfferState;
import org.chainmarket.selection.network.MultiDomainNetwork;
import org.chainmarket.selection.network.NetLink;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The in-memory view selection runs on: advertised domains (joined into one network, rebuilt only when a domain
 * changes), live offers with the capacity held on them, bandwidth held per link by chains (both as the database's
 * ledger has them), and the offers and links monitoring reports degraded: left out of selection when down or unfit, and when only hot
 * (loaded over a threshold) still open to orders, priced by their load, but not to chains being moved.
 * PostgreSQL stays the authority on reservations: this view can be a step behind a concurrent order, which the
 * conditional reservation in the database catches.
 */
@Singleton
public class MarketReadModel {
    private final Map<ProviderId, ProviderDomain> domains = new LinkedHashMap<>();
    private final Map<OfferId, VnfOffer> offers = new LinkedHashMap<>();
    private final Map<OfferId, MarketSnapshot.Reservation> reserved = new HashMap<>();
    private final Map<OfferId, Long> offerVersions = new HashMap<>();
    private final Map<String, Double> linkUsage = new HashMap<>();
    private final Map<String, Long> linkVersions = new HashMap<>();
    private final Map<OfferId, Health> offerHealth = new HashMap<>();
    private final Map<OfferId, Double> measuredLoad = new HashMap<>();
    private final Map<String, Health> linkHealth = new HashMap<>();
    private final java.util.Set<ProviderId> leftOutProviders = new java.util.HashSet<>();
    private MultiDomainNetwork network = MultiDomainNetwork.of(List.of());

    public synchronized void putDomain(ProviderDomain domain) {
        domains.put(domain.providerId(), domain);
        network = MultiDomainNetwork.of(domains.values());
    }

    public synchronized void removeDomain(ProviderId provider) {
        if (domains.remove(provider) != null) {
            network = MultiDomainNetwork.of(domains.values());
        }
    }

    /** Adds or replaces an offer with its reservation as of {@code version} (kept if a newer one is known). */
    public synchronized void putOffer(VnfOffer offer, double reservedMbps, int reservedChains, long version) {
        offers.put(offer.offerId(), offer);
        setReservation(offer.offerId(), reservedMbps, reservedChains, version);
    }

    public synchronized void removeOffer(OfferId offer) {
        offers.remove(offer);
    }

    /**
     * Sets an offer's held capacity to what the database says as of {@code version} (the offer row's change
     * count); an older one, told late by a transaction that committed earlier, is ignored.
     */
    public synchronized void setReservation(OfferId offer, double mbps, int chains, long version) {
        if (version >= offerVersions.getOrDefault(offer, -1L)) {
            offerVersions.put(offer, version);
            reserved.put(offer, new MarketSnapshot.Reservation(mbps, chains));
        }
    }

    /** Sets the bandwidth chains hold on a link ({@code NetLink.key}) to what the link ledger says as of {@code version}. */
    public synchronized void setLinkReservation(String link, double mbps, long version) {
        if (version < linkVersions.getOrDefault(link, -1L)) {
            return;
        }
        linkVersions.put(link, version);
        if (mbps <= 1e-9) {
            linkUsage.remove(link);
        } else {
            linkUsage.put(link, mbps);
        }
    }

    /** What this view holds on a link or offer: Mbit/s, chains (offers only), as of the ledger row's change count (-1: never told). */
    public record Held(double mbps, int chains, long version) {
    }

    /** What this view holds on a link ({@code NetLink.key}), to check it against the ledger. */
    public synchronized Held linkHeld(String link) {
        return new Held(linkUsage.getOrDefault(link, 0.0), 0, linkVersions.getOrDefault(link, -1L));
    }

    /** What this view holds on an offer, to check it against the ledger. */
    public synchronized Held offerHeld(OfferId offer) {
        MarketSnapshot.Reservation r = reserved.getOrDefault(offer, MarketSnapshot.Reservation.NONE);
        return new Held(r.mbps(), r.chains(), offerVersions.getOrDefault(offer, -1L));
    }

    /** The bandwidth held per link, as this view has it (to check it against the ledger). */
    public synchronized Map<String, Double> linkReservations() {
        return Map.copyOf(linkUsage);
    }

    /** The load monitoring measures on an offer (0..1): selection prices it in, and a full instance takes no chain. */
    public synchronized void setMeasuredLoad(OfferId offer, double load) {
        measuredLoad.put(offer, load);
    }

    /** How selection treats a degraded instance or link. */
    public enum Health {
        /** Selected as usual. */
        OK,
        /** Loaded over a threshold but up: orders still may use it, priced by its load; re-selection moves chains off it. */
        HOT,
        /** Down or unfit: left out of all selection. */
        OUT
    }

    /** Sets how selection treats an offer (written by {@link HealthBook} alone). */
    public synchronized void setOfferHealth(OfferId offer, Health health) {
        set(offerHealth, offer, health);
    }

    /** Sets how selection treats a link ({@code NetLink.key}; written by {@link HealthBook} alone). */
    public synchronized void setLinkHealth(String link, Health health) {
        set(linkHealth, link, health);
    }

    private static <K> void set(Map<K, Health> map, K key, Health health) {
        if (health == Health.OK) {
            map.remove(key);
        } else {
            map.put(key, health);
        }
    }

    /**
     * Leaves a provider out of selection (its circuit is open, {@link ProviderHealth}) or takes it back: its offers, the
     * links of its domain and its border links.
     */
    public synchronized void setProviderLeftOut(ProviderId provider, boolean leftOut) {
        if (leftOut) {
            leftOutProviders.add(provider);
        } else {
            leftOutProviders.remove(provider);
        }
    }

    /** The network the live domains make now (immutable: a later change makes a new one). */
    public synchronized MultiDomainNetwork network() {
        return network;
    }

    /** Whether the offer stands at a site of its provider's domain in {@code network} (otherwise it is not sold). */
    public static boolean placed(VnfOffer offer, MultiDomainNetwork network) {
        return network.switchOfSite(offer.siteId()).filter(sw -> network.owner(sw).filter(offer.providerId()::equals).isPresent()).isPresent();
    }

    /**
     * Whether an offer (kind {@code INSTANCE}) or a link ({@code LINK}, {@code NetLink.key}) is in this view's market,
     * whatever its health: an offer live at its provider's site, a link of the network, and no provider of it left out.
     */
    public synchronized boolean inMarket(SubjectKind kind, String subjectId) {
        if (kind == SubjectKind.LINK) {
            return network.linkByKey(subjectId).filter(l -> !leftOut(l.a()) && !leftOut(l.b())).isPresent();
        }
        VnfOffer o = offers.get(OfferId.of(subjectId));
        return o != null && placed(o, network) && !leftOutProviders.contains(o.providerId());
    }

    private boolean leftOut(String switchId) {
        return network.owner(switchId).filter(leftOutProviders::contains).isPresent();
    }

    /** Whether a provider is left out of selection (its circuit is open or its probe is out). */
    public synchronized boolean isProviderLeftOut(ProviderId provider) {
        return leftOutProviders.contains(provider);
    }

    /** Whether an offer is hot or left out. */
    public synchronized boolean isOfferDegraded(OfferId offer) {
        return offerHealth.containsKey(offer);
    }

    /** Whether a link is hot or left out. */
    public synchronized boolean isLinkDegraded(String link) {
        return linkHealth.containsKey(link);
    }

    /** A subject's capacity and the bandwidth chains hold on it (Mbit/s), and the load monitoring measures (0..1). */
    public record Load(double capacityMbps, double heldMbps, double measured) {
    }

    /** The load of an offer (kind INSTANCE) or a link (kind LINK, {@code NetLink.key}); empty when unknown. */
    public synchronized Optional<Load> load(SubjectKind kind, String subjectId) {
        if (kind == SubjectKind.INSTANCE) {
            VnfOffer o = offers.get(OfferId.of(subjectId));
            return o == null ? Optional.empty() : Optional.of(new Load(o.capacityMbps(),
                    reserved.getOrDefault(o.offerId(), MarketSnapshot.Reservation.NONE).mbps(), measuredLoad.getOrDefault(o.offerId(), 0.0)));
        }
        double held = linkUsage.getOrDefault(subjectId, 0.0);
        return network.linkByKey(subjectId)
                .map(l -> new Load(l.bandwidthMbps(), held, l.bandwidthMbps() > 0 ? held / l.bandwidthMbps() : 0));
    }

    /** What orders select on: left-out offers and links are missing, hot ones are priced by their load. */
    public synchronized MarketSnapshot snapshot() {
        return snapshot(false);
    }

    /** What substitutions re-select on: hot offers and links are left out too, so chains move off them. */
    public synchronized MarketSnapshot reselectionSnapshot() {
        return snapshot(true);
    }

    private MarketSnapshot snapshot(boolean withoutHot) {
        Instant now = Instant.now();
        List<OfferState> states = new ArrayList<>(offers.size());
        for (VnfOffer o : offers.values()) {
            Health health = offerHealth.getOrDefault(o.offerId(), Health.OK);
            if (!o.validAt(now) || health == Health.OUT || (withoutHot && health == Health.HOT) || leftOutProviders.contains(o.providerId())
                    || !placed(o, network)) {
                continue;
            }
            MarketSnapshot.Reservation r = reserved.getOrDefault(o.offerId(), MarketSnapshot.Reservation.NONE);
            states.add(new OfferState(o, network.switchOfSite(o.siteId()).orElseThrow(), r.mbps(), r.chains(),
                    measuredLoad.getOrDefault(o.offerId(), 0.0)));
        }
        Map<String, Double> usage = linkUsage;
        if (!linkHealth.isEmpty() || !leftOutProviders.isEmpty()) {
            usage = new HashMap<>(linkUsage);
            for (Map.Entry<String, Health> link : linkHealth.entrySet()) {
                if (link.getValue() == Health.OUT || withoutHot) {
                    usage.put(link.getKey(), Double.POSITIVE_INFINITY);
                }
            }
            for (NetLink l : leftOutProviders.isEmpty() ? List.<NetLink>of() : network.links()) {
                if (network.owner(l.a()).filter(leftOutProviders::contains).isPresent()
                        || network.owner(l.b()).filter(leftOutProviders::contains).isPresent()) {
                    usage.put(l.key(), Double.POSITIVE_INFINITY);
                }
            }
        }
        return new MarketSnapshot(network, states, usage);
    }

    public synchronized List<ProviderDomain> domains() {
        return List.copyOf(domains.values());
    }
}
