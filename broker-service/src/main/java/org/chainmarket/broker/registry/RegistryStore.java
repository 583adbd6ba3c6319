package org.chainmarket.broker.registry;

import jakarta.inject.Singleton;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import org.chainmarket.broker.outbox.Outbox;
import org.chainmarket.broker.outbox.ProcessedMessages;
import org.chainmarket.schemas.events.EventType;
import org.chainmarket.schemas.events.FieldError;
import org.chainmarket.schemas.events.InvalidInputException;
import org.chainmarket.schemas.events.Json;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.ProviderDomain;
import org.chainmarket.schemas.model.ProviderId;
import org.chainmarket.schemas.model.SubjectKind;
import org.chainmarket.schemas.model.VnfOffer;
import org.chainmarket.selection.network.MultiDomainNetwork;
import org.chainmarket.selection.network.NetLink;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The registry's transactions. Each applies one advertisement once: {@code eventId} is recorded for the
 * idempotent consumer. An advertisement that came over REST ({@code publish}) is also appended to the outbox
 * under the same event id, so the compacted topic stays the complete log of advertisements and the broker
 * skips the echo as already processed.
 */
@Singleton
public class RegistryStore {
    static final String CONSUMER = "registry";
    private final EntityManager em;
    private final ProcessedMessages processed;
    private final Outbox outbox;

    public RegistryStore(EntityManager em, ProcessedMessages processed, Outbox outbox) {
        this.em = em;
        this.processed = processed;
        this.outbox = outbox;
    }

    /** The network the domains make before and after a stored change of one of them, as the database has them. */
    public record NetworkChange(MultiDomainNetwork before, MultiDomainNetwork after) {
    }

    /** Stores a domain; empty when the event was already applied. */
    @Transactional
    public Optional<NetworkChange> upsertDomain(String eventId, ProviderDomain domain, boolean publish) {
        if (!processed.firstTime(CONSUMER, eventId)) {
            return Optional.empty();
        }
        MultiDomainNetwork before = liveNetwork();
        ProviderEntity e = Optional.ofNullable(em.find(ProviderEntity.class, domain.providerId().value())).orElseGet(ProviderEntity::new);
        e.id = domain.providerId().value();
        e.name = domain.name();
        e.domainJson = Json.text(domain);
        e.withdrawn = false;
        e.updatedAt = Instant.now();
        em.merge(e);
        em.flush();
        MultiDomainNetwork after = syncLinks();
        if (publish) {
            outbox.append(eventId, EventType.PROVIDER_DOMAIN_ADVERTISED, "provider", e.id, domain);
        }
        return Optional.of(new NetworkChange(before, after));
    }

    private MultiDomainNetwork liveNetwork() {
        return MultiDomainNetwork.of(providers().stream().map(p -> Json.read(p.domainJson, ProviderDomain.class)).toList());
    }

    /**
     * Gives every link of the advertised network (inside domains and between them) its row in the link ledger, with
     * the advertised capacity, kept at least at what chains hold on it. Rows are written in key order. Returns that
     * network.
     */
    private MultiDomainNetwork syncLinks() {
        MultiDomainNetwork network = liveNetwork();
        Instant now = Instant.now();
        network.links().stream().sorted(Comparator.comparing(NetLink::key)).forEach(l ->
                em.createNativeQuery("INSERT INTO link (link_key, capacity_mbps, reserved_mbps, updated_at) VALUES (?1, ?2, 0, ?3) "
                                + "ON CONFLICT (link_key) DO UPDATE SET capacity_mbps = GREATEST(EXCLUDED.capacity_mbps, link.reserved_mbps), "
                                + "updated_at = EXCLUDED.updated_at WHERE link.capacity_mbps <> GREATEST(EXCLUDED.capacity_mbps, link.reserved_mbps)")
                        .setParameter(1, l.key()).setParameter(2, l.bandwidthMbps()).setParameter(3, now).executeUpdate());
        return network;
    }

    /** Makes sure the link ledger covers the advertised network (at start, for domains stored before it existed). */
    @Transactional
    public void ensureLinks() {
        syncLinks();
    }

    /**
     * What chains hold on a link ({@code NetLink.key}) or a live offer, as the ledger has it: Mbit/s, chains (offers
     * only), the row's change count and when the row last changed.
     */
    public record LedgerRow(String subjectId, double mbps, int chains, long version, Instant updatedAt) {
    }

    /** What chains hold per link, as the link ledger has it. */
    @Transactional
    public List<LedgerRow> linkLedger() {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("SELECT link_key, reserved_mbps, 0, version, updated_at FROM link ORDER BY link_key")
                .getResultList();
        return rows.stream().map(RegistryStore::ledgerRow).toList();
    }

    /** What chains hold per offer that is not withdrawn, as the offer ledger has it. */
    @Transactional
    public List<LedgerRow> offerLedger() {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("SELECT id, reserved_mbps, reserved_chains, version, updated_at FROM offer "
                + "WHERE NOT withdrawn ORDER BY id").getResultList();
        return rows.stream().map(RegistryStore::ledgerRow).toList();
    }

    private static LedgerRow ledgerRow(Object[] r) {
        Object at = r[4];
        Instant updated = at instanceof Instant i ? i : at instanceof java.time.OffsetDateTime t ? t.toInstant()
                : ((java.sql.Timestamp) at).toInstant();
        return new LedgerRow((String) r[0], ((Number) r[1]).doubleValue(), ((Number) r[2]).intValue(), ((Number) r[3]).longValue(), updated);
    }

    /** Marks a provider withdrawn; empty when the event was already applied or the provider is unknown. */
    @Transactional
    public Optional<NetworkChange> withdrawDomain(String eventId, ProviderId provider, boolean publish) {
        if (!processed.firstTime(CONSUMER, eventId)) {
            return Optional.empty();
        }
        MultiDomainNetwork before = liveNetwork();
        int changed = em.createNativeQuery("UPDATE provider SET withdrawn = TRUE, updated_at = ?2 WHERE id = ?1 AND NOT withdrawn")
                .setParameter(1, provider.value()).setParameter(2, Instant.now()).executeUpdate();
        if (publish && changed > 0) {
            outbox.append(eventId, EventType.PROVIDER_DOMAIN_ADVERTISED, "provider", provider.value(), null, provider);
        }
        return changed > 0 ? Optional.of(new NetworkChange(before, liveNetwork())) : Optional.empty();
    }

    /**
     * Stores an offer, keeping the capacity chains already hold; the new capacity may not be below it.
     * Returns the stored row, or empty when the event was already applied.
     */
    @Transactional
    public Optional<OfferEntity> upsertOffer(String eventId, VnfOffer offer, boolean publish) {
        if (!processed.firstTime(CONSUMER, eventId)) {
            return Optional.empty();
        }
        // locked: the ledger changes the same row's counters, which this update must not overwrite with what it read
        OfferEntity e = em.find(OfferEntity.class, offer.offerId().value(), LockModeType.PESSIMISTIC_WRITE);
        if (e == null) {
            e = new OfferEntity();
            e.id = offer.offerId().value();
        } else if (e.reservedMbps > offer.capacityMbps() + 1e-9 || e.reservedChains > offer.maxChains()) {
            throw new InvalidInputException("offer " + e.id, List.of(new FieldError("$.capacityMbps",
                    "capacity " + offer.capacityMbps() + " Mbit/s and " + offer.maxChains() + " chains is below what chains hold ("
                            + e.reservedMbps + " Mbit/s, " + e.reservedChains + " chains)")));
        }
        e.providerId = offer.providerId().value();
        e.vnfType = offer.vnfType();
        e.capacityMbps = offer.capacityMbps();
        e.maxChains = offer.maxChains();
        e.offerJson = Json.text(offer);
        e.withdrawn = false;
        e.updatedAt = Instant.now();
        OfferEntity stored = em.merge(e);
        if (publish) {
            outbox.append(eventId, EventType.OFFER_ADVERTISED, "offer", e.id, offer);
        }
        return Optional.of(stored);
    }

    /**
     * Marks an offer withdrawn: no new chain selects it, chains on it keep their hold until they end. False when
     * the event was already applied or the offer is unknown.
     */
    @Transactional
    public boolean withdrawOffer(String eventId, OfferId offer, boolean publish) {
        if (!processed.firstTime(CONSUMER, eventId)) {
            return false;
        }
        int changed = em.createNativeQuery("UPDATE offer SET withdrawn = TRUE, updated_at = ?2 WHERE id = ?1 AND NOT withdrawn")
                .setParameter(1, offer.value()).setParameter(2, Instant.now()).executeUpdate();
        if (publish && changed > 0) {
            // the tombstone goes to the offer's provider's topic
            ProviderId provider = ProviderId.of(em.find(OfferEntity.class, offer.value()).providerId);
            outbox.append(eventId, EventType.OFFER_ADVERTISED, "offer", offer.value(), null, provider);
        }
        return changed > 0;
    }

    /**
     * What chains still hold after a withdrawal, as the database has it: offers that hold a chain and are withdrawn,
     * belong to a withdrawn provider or stand at a site their provider's domain no longer has, then links declared by
     * a domain (live or withdrawn) that are no longer in the advertised network and on which chains hold bandwidth.
     * Each is announced again at start, so a drain that the broker's stop interrupted is carried on.
     */
    @Transactional
    public List<Withdrawn> heldAfterWithdrawal() {
        List<Withdrawn> out = new ArrayList<>();
        List<ProviderEntity> all = em.createQuery("SELECT p FROM ProviderEntity p ORDER BY p.id", ProviderEntity.class).getResultList();
        Map<String, ProviderDomain> live = new HashMap<>();
        all.stream().filter(p -> !p.withdrawn).forEach(p -> live.put(p.id, Json.read(p.domainJson, ProviderDomain.class)));
        List<OfferEntity> held = em.createQuery("SELECT o FROM OfferEntity o WHERE o.reservedChains > 0 ORDER BY o.id", OfferEntity.class)
                .getResultList();
        for (OfferEntity o : held) {
            ProviderDomain d = live.get(o.providerId);
            String site = Json.read(o.offerJson, VnfOffer.class).siteId();
            if (o.withdrawn || d == null || d.sites().stream().noneMatch(s -> s.siteId().equals(site))) {
                out.add(new Withdrawn(SubjectKind.INSTANCE, o.id, o.providerId));
            }
        }
        @SuppressWarnings("unchecked")
        List<String> heldLinks = em.createNativeQuery("SELECT link_key FROM link WHERE reserved_mbps > 0").getResultList();
        Set<String> inNetwork = new HashSet<>();
        MultiDomainNetwork.of(live.values()).links().forEach(l -> inNetwork.add(l.key()));
        Set<String> announced = new HashSet<>();
        for (ProviderEntity p : all) {
            ProviderDomain d = Json.read(p.domainJson, ProviderDomain.class);
            Set<String> keys = new LinkedHashSet<>();
            d.links().forEach(l -> keys.add(NetLink.key(l.from(), l.to())));
            d.borderLinks().forEach(b -> keys.add(NetLink.key(b.localSwitch(), b.remoteSwitch())));
            keys.stream().filter(heldLinks::contains).filter(k -> !inNetwork.contains(k)).filter(announced::add)
                    .forEach(k -> out.add(new Withdrawn(SubjectKind.LINK, k, p.id)));
        }
        return out;
    }

    /**
     * Whether an offer (kind {@code INSTANCE}) or a link ({@code LINK}, {@code NetLink.key}) is in the market as the
     * database has it now: an offer not withdrawn, at a site of its provider's live domain; a link of the advertised
     * network.
     */
    @Transactional
    public boolean advertised(SubjectKind kind, String subjectId) {
        MultiDomainNetwork network = liveNetwork();
        if (kind == SubjectKind.LINK) {
            return network.linkByKey(subjectId).isPresent();
        }
        return offer(subjectId).filter(o -> !o.withdrawn)
                .filter(o -> MarketReadModel.placed(Json.read(o.offerJson, VnfOffer.class), network)).isPresent();
    }

    @Transactional
    public List<ProviderEntity> providers() {
        return em.createQuery("SELECT p FROM ProviderEntity p WHERE p.withdrawn = false ORDER BY p.id", ProviderEntity.class).getResultList();
    }

    @Transactional
    public List<OfferEntity> offers() {
        return em.createQuery("SELECT o FROM OfferEntity o WHERE o.withdrawn = false ORDER BY o.id", OfferEntity.class).getResultList();
    }

    /** The provider's offers that are not withdrawn. */
    @Transactional
    public List<OfferEntity> offersOf(ProviderId provider) {
        return em.createQuery("SELECT o FROM OfferEntity o WHERE o.withdrawn = false AND o.providerId = :p ORDER BY o.id", OfferEntity.class)
                .setParameter("p", provider.value()).getResultList();
    }

    @Transactional
    public Optional<OfferEntity> offer(String id) {
        return Optional.ofNullable(em.find(OfferEntity.class, id));
    }

    @Transactional
    public Optional<ProviderEntity> provider(String id) {
        return Optional.ofNullable(em.find(ProviderEntity.class, id)).filter(p -> !p.withdrawn);
    }
}
