package org.chainmarket.broker.registry;

import org.chainmarket.broker.kafka.EventProducer;

import org.chainmarket.schemas.model.SubjectKind;
import io.micronaut.context.event.ApplicationEventPublisher;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.chainmarket.schemas.events.FieldError;
import org.chainmarket.schemas.events.InvalidInputException;
import org.chainmarket.schemas.events.Json;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.ProviderDomain;
import org.chainmarket.schemas.model.ProviderId;
import org.chainmarket.schemas.model.VnfOffer;
import org.chainmarket.broker.usage.UsageLedger;
import org.chainmarket.selection.network.MultiDomainNetwork;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The one way advertisements enter the broker, from Kafka or REST: stored in PostgreSQL first, then mirrored
 * into the {@link MarketReadModel}. At start-up the read model is loaded from the database, and its holds are checked
 * against the capacity ledger on a period (drift is logged and corrected). A withdrawn offer or
 * provider is announced ({@link Withdrawn}) so the chains on it are drained.
 */
@Singleton
public class Registry {
    /** The metric a withdrawal is tracked under in the {@link HealthBook}, until the subject is advertised again. */
    public static final String WITHDRAWN = "withdrawn";
    /** A ledger row changed longer ago than this has told the read model, unless the view drifted. */
    static final Duration SETTLED = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(Registry.class);
    private final RegistryStore store;
    private final MarketReadModel market;
    private final HealthBook health;
    private final ApplicationEventPublisher<Withdrawn> withdrawals;
    private final UsageLedger usage;
    private final EventProducer events;
    /**
     * Held from a change's (or a read-back's) database transaction until the read model has it, so that the read
     * model takes changes in the order the database committed them: a read-back that read an offer before a REST
     * withdrawal committed cannot put it back after the withdrawal removed it, nor a withdrawal be marked after the
     * re-advertisement that followed it. Released before a withdrawal's chains are drained.
     */
    private final Object changes = new Object();
    /** What the change holding {@link #changes} left out or advertised again, published after it ({@link #change}). */
    private List<Object> pending;
    private final ApplicationEventPublisher<Readvertised> readvertisements;

    public Registry(RegistryStore store, MarketReadModel market, HealthBook health, ApplicationEventPublisher<Withdrawn> withdrawals,
                    ApplicationEventPublisher<Readvertised> readvertisements, UsageLedger usage, EventProducer events) {
        this.readvertisements = readvertisements;
        this.events = events;
        this.store = store;
        this.market = market;
        this.health = health;
        this.withdrawals = withdrawals;
        this.usage = usage;
    }

    @EventListener
    void load(StartupEvent event) {
        for (ProviderEntity p : store.providers()) {
            market.putDomain(Json.read(p.domainJson, ProviderDomain.class));
        }
        for (OfferEntity o : store.offers()) {
            market.putOffer(Json.read(o.offerJson, VnfOffer.class), o.reservedMbps, o.reservedChains, o.version);
        }
        store.ensureLinks();
        store.linkLedger().forEach(l -> market.setLinkReservation(l.subjectId(), l.mbps(), l.version()));
        usage.repriceAll();
        resumeDrains();
    }

    /**
     * A drain lives in memory while its chains move; when the broker stopped before every chain had moved, the
     * database still says what withdrawn offers and links hold: each is announced again, as at its withdrawal.
     */
    private void resumeDrains() {
        change(() -> {
            for (Withdrawn w : store.heldAfterWithdrawal()) {
                LOG.info("{} {} of provider {} was withdrawn and still holds chains: draining it again",
                        w.kind() == SubjectKind.INSTANCE ? "offer" : "link", w.subjectId(), w.providerId());
                leaveOut(w);
            }
            return null;
        });
    }

    /**
     * Checks the read model against the ledger every {@code chainmarket.ledger-check-interval}: what it holds on each
     * link and live offer is set to what the ledger has, and a difference that no commit in flight explains (the
     * same change count, or a change older than {@link #SETTLED} the view never heard of) is logged as drift.
     */
    @Scheduled(fixedDelay = "${chainmarket.ledger-check-interval}", initialDelay = "${chainmarket.ledger-check-interval}")
    void checkLedger() {
        try {
            alignWithLedger(Instant.now());
        } catch (RuntimeException e) {
            LOG.debug("the ledger check could not read the ledger: {}", e.toString());
        }
    }

    /** Sets the read model's holds to the ledger's; returns how many links and offers had drifted from it. */
    public int alignWithLedger(Instant now) {
        int drifted = 0;
        for (RegistryStore.LedgerRow l : store.linkLedger()) {
            if (drifted(market.linkHeld(l.subjectId()), l, now)) {
                drifted++;
                LOG.warn("selection's view of link {} held {} Mbit/s (change {}), the ledger {} Mbit/s (change {}): corrected",
                        l.subjectId(), market.linkHeld(l.subjectId()).mbps(), market.linkHeld(l.subjectId()).version(), l.mbps(), l.version());
            }
            market.setLinkReservation(l.subjectId(), l.mbps(), l.version());
        }
        for (RegistryStore.LedgerRow o : store.offerLedger()) {
            OfferId offer = OfferId.of(o.subjectId());
            if (drifted(market.offerHeld(offer), o, now)) {
                drifted++;
                LOG.warn("selection's view of offer {} held {} Mbit/s and {} chains (change {}), the ledger {} Mbit/s and {} chains (change {}): corrected",
                        o.subjectId(), market.offerHeld(offer).mbps(), market.offerHeld(offer).chains(), market.offerHeld(offer).version(),
                        o.mbps(), o.chains(), o.version());
            }
            market.setReservation(offer, o.mbps(), o.chains(), o.version());
        }
        return drifted;
    }

    /** Whether the view differs from the ledger's row in a way no commit still telling the view explains. */
    private static boolean drifted(MarketReadModel.Held view, RegistryStore.LedgerRow ledger, Instant now) {
        boolean differs = Math.abs(view.mbps() - ledger.mbps()) > 1e-6 || view.chains() != ledger.chains();
        if (!differs || view.version() > ledger.version()) {
            return false;
        }
        return view.version() == ledger.version() || ledger.updatedAt().isBefore(now.minus(SETTLED));
    }

    /**
     * The links whose bandwidth held in the read model differs from the database's link ledger (Mbit/s in the
     * ledger, then in the view); empty when they agree.
     */
    public Map<String, double[]> linkDrift() {
        Map<String, Double> ledger = new HashMap<>();
        store.linkLedger().forEach(l -> ledger.put(l.subjectId(), l.mbps()));
        Map<String, Double> view = market.linkReservations();
        Map<String, double[]> drift = new TreeMap<>();
        Set<String> keys = new HashSet<>(ledger.keySet());
        keys.addAll(view.keySet());
        for (String k : keys) {
            double a = ledger.getOrDefault(k, 0.0);
            double b = view.getOrDefault(k, 0.0);
            if (Math.abs(a - b) > 1e-6) {
                drift.put(k, new double[] {a, b});
            }
        }
        return drift;
    }

    /**
     * Applies an advertisement read from Kafka. Every replica reads every advertisement: the first to read it stores
     * it (its event id is recorded once), then each mirrors what the database holds for that provider into its own
     * read model, so all replicas sell the same market whichever of them stored it (or registered it over REST). What
     * the stored change dropped from the network is drained by the replica that stored it.
     */
    public void advertised(String eventId, ProviderDomain domain) {
        storeDomain(eventId, domain, false, () -> mirror(domain.providerId()));
    }

    /**
     * Stores a domain ({@code publish}: on its compacted topic too), then lets the read model take it ({@code mirror});
     * what the stored change dropped from the network is drained.
     */
    private void storeDomain(String eventId, ProviderDomain domain, boolean publish, Runnable mirror) {
        change(() -> {
            Optional<RegistryStore.NetworkChange> stored = store.upsertDomain(eventId, domain, publish);
            mirror.run();
            stored.ifPresent(c -> dropped(c, domain.providerId()).forEach(this::leaveOut));
            return null;
        });
    }

    /**
     * What a stored change of {@code provider}'s domain (its withdrawal, or a new version of it) took out of the
     * network, as the database has it: the links no longer in it (inside the domain and to others, whichever side
     * declared them) and the provider's offers at sites no longer in it. Their chains are drained; advertised again,
     * they are sold again ({@link #advertise}).
     */
    private List<Withdrawn> dropped(RegistryStore.NetworkChange change, ProviderId provider) {
        List<Withdrawn> gone = new ArrayList<>();
        change.before().links().stream().filter(l -> change.after().link(l.a(), l.b()).isEmpty())
                .forEach(l -> gone.add(new Withdrawn(SubjectKind.LINK, l.key(), provider.value())));
        store.offersOf(provider).forEach(o -> {
            VnfOffer offer = Json.read(o.offerJson, VnfOffer.class);
            if (MarketReadModel.placed(offer, change.before()) && !MarketReadModel.placed(offer, change.after())) {
                gone.add(new Withdrawn(SubjectKind.INSTANCE, o.id, o.providerId));
            }
        });
        return gone;
    }

    /** Applies a withdrawal (tombstone) read from Kafka; its chains are drained once, by the replica that stored it. */
    public void withdrawn(String eventId, ProviderId provider) {
        change(() -> {
            Optional<RegistryStore.NetworkChange> stored = store.withdrawDomain(eventId, provider, false);
            mirror(provider);
            stored.ifPresent(c -> dropped(c, provider).forEach(this::leaveOut));
            return null;
        });
    }

    public void advertised(String eventId, VnfOffer offer) {
        boolean stored = change(() -> {
            boolean first = store.upsertOffer(eventId, offer, false).isPresent();
            mirror(offer.offerId());
            return first;
        });
        if (stored) {
            repriced(offer);
        }
    }

    /** Running chains on the offer accrue usage at its advertised price from now on (see {@link UsageLedger#reprice}). */
    private void repriced(VnfOffer offer) {
        try {
            usage.reprice(List.of(offer.offerId().value()));
        } catch (RuntimeException e) {
            LOG.warn("offer {} stored, but its running chains could not be repriced yet (done at the next start): {}", offer.offerId().value(), e.toString());
        }
    }

    /**
     * Refuses an advertisement or withdrawal read from {@code provider}'s topic of an offer id another provider holds:
     * an offer id does not move between providers.
     *
     * @throws InvalidInputException naming {@code field}
     */
    public void checkOwner(OfferId offer, ProviderId provider, String field) {
        store.offer(offer.value()).filter(o -> !o.providerId.equals(provider.value())).ifPresent(o -> {
            throw new InvalidInputException("offer " + offer.value(), List.of(new FieldError(field, "offer '" + offer.value()
                    + "' belongs to provider '" + o.providerId + "', not '" + provider.value() + "'")));
        });
    }

    public void withdrawn(String eventId, OfferId offer) {
        change(() -> {
            Optional<OfferEntity> known = store.offer(offer.value());
            boolean stored = store.withdrawOffer(eventId, offer, false);
            mirror(offer);
            if (stored) {
                known.ifPresent(o -> leaveOut(new Withdrawn(SubjectKind.INSTANCE, o.id, o.providerId)));
            }
            return null;
        });
    }

    /** The read model takes the provider's domain as the database has it now (gone if withdrawn). */
    private void mirror(ProviderId provider) {
        store.provider(provider.value()).ifPresentOrElse(p -> advertise(Json.read(p.domainJson, ProviderDomain.class)),
                () -> market.removeDomain(provider));
    }

    /**
     * The read model takes a live domain. What a withdrawal ({@link #dropped}: of the provider, or what a change of a
     * domain dropped) left out of selection and is in the network again is sold again: its links, the border links to
     * it, whichever side declares them, and the provider's offers at its sites.
     */
    private void advertise(ProviderDomain domain) {
        market.putDomain(domain);
        MultiDomainNetwork network = market.network();
        health.degradedBy(SubjectKind.LINK, WITHDRAWN).stream().filter(k -> network.linkByKey(k).isPresent())
                .forEach(k -> sellAgain(SubjectKind.LINK, k));
        store.offersOf(domain.providerId()).stream().filter(o -> MarketReadModel.placed(Json.read(o.offerJson, VnfOffer.class), network))
                .forEach(o -> sellAgain(SubjectKind.INSTANCE, o.id));
    }

    /** The read model takes the offer as the database has it now, with what chains hold of it (gone if withdrawn). */
    private void mirror(OfferId offer) {
        store.offer(offer.value()).filter(o -> !o.withdrawn).ifPresentOrElse(o -> put(Json.read(o.offerJson, VnfOffer.class), o),
                () -> remove(offer));
    }

    /**
     * Within {@link #change}: the read model takes a live offer with what chains hold of it as {@code row} has it;
     * standing at its provider's site, it is sold again if it had been withdrawn ({@link #sellAgain}).
     */
    private void put(VnfOffer offer, OfferEntity row) {
        market.putOffer(offer, row.reservedMbps, row.reservedChains, row.version);
        if (MarketReadModel.placed(offer, market.network())) {
            sellAgain(SubjectKind.INSTANCE, offer.offerId().value());
        }
    }

    /** The read model loses a withdrawn offer; a placement drain of it ends with it (the instance stopped). */
    private void remove(OfferId offer) {
        market.removeOffer(offer);
        health.cleared(SubjectKind.INSTANCE, offer.value(), HealthBook.DRAINING);
    }

    /**
     * Runs a change holding {@link #changes}, then publishes on the caller's thread, outside the lock, what it left
     * out ({@link Withdrawn}: its chains are drained) or advertised again ({@link Readvertised}), in order: draining
     * takes transactions of their own, which other changes need not wait for. A listener's failure is logged and the
     * rest are still published (what a withdrawal left holding chains is drained again at the next start).
     */
    private <T> T change(Supplier<T> work) {
        List<Object> out;
        T result;
        synchronized (changes) {
            pending = new ArrayList<>();
            try {
                result = work.get();
            } finally {
                out = pending;
                pending = null;
            }
        }
        for (Object event : out) {
            try {
                if (event instanceof Withdrawn w) {
                    withdrawals.publishEvent(w);
                } else if (event instanceof Readvertised r) {
                    readvertisements.publishEvent(r);
                }
            } catch (RuntimeException e) {
                LOG.warn("{}: acting on it failed: {}", event, e.toString());
            }
        }
        return result;
    }

    /**
     * Within {@link #change}: the subject is left out of selection as withdrawn now, in the order the database took
     * the change, and its chains are drained once the lock is released.
     */
    private void leaveOut(Withdrawn w) {
        health.degraded(w.trigger(Instant.now()));
        pending.add(w);
    }

    /**
     * Within {@link #change}: a withdrawn subject advertised again is no longer left out as withdrawn; when nothing
     * else leaves it out (a degraded metric, monitoring's context), chains left DEGRADED on it run on it again
     * ({@link Readvertised}).
     */
    private void sellAgain(SubjectKind kind, String subjectId) {
        if (health.degradedBy(kind, subjectId, WITHDRAWN) && health.cleared(kind, subjectId, WITHDRAWN)
                && health.health(kind, subjectId) != MarketReadModel.Health.OUT) {
            pending.add(new Readvertised(kind, subjectId));
        }
    }

    /**
     * Registers a domain through REST; it is also published on the compacted topic. The provider's own topics (its
     * commands, acknowledgements, state reports, telemetry) are made now, so that its first chain need not wait for them.
     */
    public void register(ProviderDomain domain) {
        events.ensureProviderTopics(domain.providerId());
        storeDomain(UUID.randomUUID().toString(), domain, true, () -> advertise(domain));
    }

    /** Withdraws a provider through REST; false when it is unknown. */
    public boolean withdraw(ProviderId provider) {
        return change(() -> {
            Optional<RegistryStore.NetworkChange> stored = store.withdrawDomain(UUID.randomUUID().toString(), provider, true);
            stored.ifPresent(c -> {
                market.removeDomain(provider);
                dropped(c, provider).forEach(this::leaveOut);
            });
            return stored.isPresent();
        });
    }

    public OfferEntity register(VnfOffer offer) {
        OfferEntity stored = change(() -> {
            OfferEntity row = store.upsertOffer(UUID.randomUUID().toString(), offer, true).orElseThrow();
            put(offer, row);
            return row;
        });
        repriced(offer);
        return stored;
    }

    public boolean withdraw(OfferId offer) {
        return change(() -> {
            Optional<OfferEntity> known = store.offer(offer.value());
            boolean changed = store.withdrawOffer(UUID.randomUUID().toString(), offer, true);
            if (changed) {
                remove(offer);
                known.ifPresent(o -> leaveOut(new Withdrawn(SubjectKind.INSTANCE, o.id, o.providerId)));
            }
            return changed;
        });
    }

    public List<ProviderEntity> providers() {
        return store.providers();
    }

    public Optional<ProviderEntity> provider(String id) {
        return store.provider(id);
    }

    public List<OfferEntity> offers() {
        return store.offers();
    }

    public Optional<OfferEntity> offer(String id) {
        return store.offer(id);
    }

    /**
     * Whether an offer (kind {@code INSTANCE}) or a link ({@code LINK}) is advertised now as the database has it,
     * which a replica's read model may not have caught up with yet.
     */
    public boolean advertised(SubjectKind kind, String subjectId) {
        return store.advertised(kind, subjectId);
    }
}
