package org.chainmarket.deploy;

import io.micronaut.context.ApplicationContext;
import io.micronaut.inject.qualifiers.Qualifiers;
import io.micronaut.json.JsonMapper;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.token.generator.TokenGenerator;
import io.micronaut.transaction.TransactionOperations;
import jakarta.persistence.EntityManager;
import org.chainmarket.broker.chain.ChainTransactions;
import org.chainmarket.broker.chain.ChainView;
import org.chainmarket.broker.chain.SelectionFactory;
import org.chainmarket.broker.kafka.EventProducer;
import org.chainmarket.broker.registry.MarketReadModel;
import org.chainmarket.schemas.events.EventType;
import org.chainmarket.schemas.events.Json;
import org.chainmarket.schemas.events.SchemaValidator;
import org.chainmarket.schemas.events.Topics;
import org.chainmarket.schemas.model.ChainId;
import org.chainmarket.schemas.model.ChainOrder;
import org.chainmarket.schemas.model.ConcreteChain;
import org.chainmarket.schemas.model.DomainAck;
import org.chainmarket.schemas.model.DomainCommand;
import org.chainmarket.selection.ChainRequest;
import org.chainmarket.selection.ChainSelector;
import org.chainmarket.selection.Encapsulation;
import org.chainmarket.selection.MarketSnapshot;
import org.chainmarket.selection.OfferState;
import org.chainmarket.selection.SelectionResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * Runs the paths the first orders and substitutions take, once the broker has registered the offers and before the
 * marketplace says it is up, so that their one-time costs (class loading, lazy initialisation, the first
 * interpreted runs) are paid here rather than by the first buyers. It changes nothing in the market:
 * <ul>
 *     <li>selection of orders between the real topology's switches, on the read model's snapshot, and re-selection
 *     of the chosen chain with one hop's offer left out (as a substitution does);</li>
 *     <li>a chain's transactions, all in one transaction that is rolled back: the order ({@link ChainTransactions#start}:
 *     the chain, its domains, its reservations and its commands in the outbox, flushed), its domains' acknowledgements
 *     (ACTIVE, its ChainActivated in the outbox), its end and the tear-down's acknowledgements; the capacity
 *     counters, the read model, the providers' health and the outbox relay act only on a commit;</li>
 *     <li>the broker's producer's metadata of the chain events' and every provider's command topic (no record sent);</li>
 *     <li>the order's JSON: its schema validation, the 201 answer's body and the chain's events;</li>
 *     <li>the API over HTTP as a buyer of its own (a token signed in process for a buyer that has no chain): the
 *     offers, the buyer's (empty) chain list, an unknown chain (404), an order refused by its schema (400, nothing
 *     stored), and a login with a wrong password (401, in the first round only).</li>
 * </ul>
 * {@code chainmarket.warm-up.rounds} (default {@value #DEFAULT_ROUNDS}; 0 turns it off) sets how many times.
 */
final class WarmUp {
    private static final Logger LOG = LoggerFactory.getLogger(WarmUp.class);
    /** Property: how many rounds the warm-up runs; 0 turns it off. */
    static final String ROUNDS = "chainmarket.warm-up.rounds";
    static final int DEFAULT_ROUNDS = 5;
    /** The buyer the warm-up acts as: no account, no chain. */
    static final String BUYER = "warm-up";

    private final ApplicationContext broker;
    private final URL api;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    WarmUp(ApplicationContext broker, URL api) {
        this.broker = broker;
        this.api = api;
    }

    /** The rounds {@code properties} ask for (else the system property of that name, else {@value #DEFAULT_ROUNDS}). */
    static int rounds(Map<String, String> properties) {
        String text = properties.getOrDefault(ROUNDS, System.getProperty(ROUNDS, String.valueOf(DEFAULT_ROUNDS))).trim();
        try {
            int n = Integer.parseInt(text);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException(ROUNDS + " must be a whole number of rounds, 0 or more, but was '" + text + "'");
    }

    /** Runs {@code rounds} rounds; returns how many orders of them selection found a chain for. A failure is logged, never thrown. */
    int run(int rounds) {
        int selected = 0;
        try {
            MarketReadModel market = broker.getBean(MarketReadModel.class);
            ChainSelector selector = broker.getBean(ChainSelector.class);
            ChainSelector reselector = broker.getBean(ChainSelector.class, Qualifiers.byName(SelectionFactory.RESELECTION));
            ChainTransactions chains = broker.getBean(ChainTransactions.class);
            @SuppressWarnings("unchecked")
            TransactionOperations<Object> transactions = broker.getBean(TransactionOperations.class);
            EntityManager em = broker.getBean(EntityManager.class);
            JsonMapper json = broker.getBean(JsonMapper.class);
            String token = broker.getBean(TokenGenerator.class).generateToken(Authentication.build(BUYER, List.of("BUYER"),
                    Map.of("party", BUYER)), 300).orElseThrow(() -> new IllegalStateException("no token could be signed"));
            topics(broker, market);
            Random random = new Random(1);
            long[] spent = new long[4];
            for (int round = 0; round < rounds; round++) {
                long t0 = System.nanoTime();
                MarketSnapshot snapshot = market.snapshot();
                ChainOrder order = order(snapshot, random);
                if (order == null) {
                    LOG.info("warm-up skipped: the market has no offers");
                    return 0;
                }
                byte[] body = Json.MAPPER.writeValueAsBytes(order);
                SchemaValidator.read(EventType.CHAIN_ORDER_SCHEMA, body, ChainOrder.class);
                long t1 = System.nanoTime();
                spent[0] += t1 - t0;
                if (selector.select(snapshot, order) instanceof SelectionResult.Selected s) {
                    selected++;
                    reselect(reselector, market, order, s.chain());
                    long t2 = System.nanoTime();
                    spent[1] += t2 - t1;
                    ChainView view = orderRolledBack(transactions, em, chains, order, s.chain());
                    json.writeValueAsBytes(view);
                    Json.read(Json.text(s.chain()), ConcreteChain.class);
                    spent[2] += System.nanoTime() - t2;
                }
                long t3 = System.nanoTime();
                api(token, body, round == 0);
                spent[3] += System.nanoTime() - t3;
            }
            LOG.info("warm-up: {} rounds, {} orders selected; ms spent: order JSON {}, selection and re-selection {}, "
                    + "rolled-back order transactions {}, API {}", rounds, selected, spent[0] / 1_000_000, spent[1] / 1_000_000,
                    spent[2] / 1_000_000, spent[3] / 1_000_000);
        } catch (Exception e) {
            LOG.warn("warm-up stopped early: {}", e.toString());
        }
        return selected;
    }

    /** A 3-VNF order between two random switches that carry offers, of types offered, within any budget. */
    private static ChainOrder order(MarketSnapshot snapshot, Random random) {
        List<OfferState> offers = snapshot.offers();
        if (offers.isEmpty()) {
            return null;
        }
        List<String> types = offers.stream().map(o -> o.offer().vnfType()).distinct().sorted().toList();
        List<String> switches = offers.stream().map(OfferState::switchId).distinct().sorted().toList();
        List<String> hops = new ArrayList<>();
        for (int i = 0; i < Math.min(3, types.size()); i++) {
            hops.add(types.get((i + random.nextInt(types.size())) % types.size()));
        }
        return new ChainOrder(BUYER, hops, switches.get(random.nextInt(switches.size())), switches.get(random.nextInt(switches.size())),
                1, 10_000, 1_000_000, List.of(), List.of(), null);
    }

    /** Re-selection as a substitution of the chain's first hop runs it: that hop's offer left out, the other hops kept if they can be. */
    private static void reselect(ChainSelector reselector, MarketReadModel market, ChainOrder order, ConcreteChain chain) {
        MarketSnapshot s = market.reselectionSnapshot();
        String avoided = chain.hops().get(0).offerId().value();
        s = new MarketSnapshot(s.network(), s.offers().stream().filter(o -> !o.offer().offerId().value().equals(avoided)).toList(),
                s.linkUsageMbps());
        reselector.selectBatch(s, List.of(new ChainRequest("warm-up", order, Encapsulation.NONE,
                chain.hops().stream().map(ConcreteChain.Hop::offerId).toList())));
    }

    /**
     * A chain's life in one transaction, rolled back: ordered, its domains' set-up acknowledged (ACTIVE), ended, and
     * its tear-down acknowledged, each step as the broker takes it (the acknowledgements as the acknowledgement
     * listener applies them, answering the commands the order put in the outbox).
     */
    private static ChainView orderRolledBack(TransactionOperations<Object> transactions, EntityManager em, ChainTransactions chains,
                                             ChainOrder order, ConcreteChain chain) {
        return transactions.executeWrite(status -> {
            status.setRollbackOnly();
            ChainId id = ChainId.of(UUID.randomUUID().toString());
            ChainView view = chains.start(id, order, chain, Duration.ofSeconds(5), null);
            em.flush();
            chains.acknowledge(acks(em, id, EventType.PATH_SETUP_REQUESTED));
            chains.requestTeardown(id, order.buyerId(), Duration.ofSeconds(5));
            em.flush();
            chains.acknowledge(acks(em, id, EventType.PATH_TEARDOWN_REQUESTED));
            em.flush();
            return view;
        });
    }

    /** A successful acknowledgement of each of the chain's commands of {@code type} in the outbox. */
    private static List<ChainTransactions.Ack> acks(EntityManager em, ChainId chain, EventType type) {
        @SuppressWarnings("unchecked")
        List<String> payloads = em.createNativeQuery("SELECT payload FROM outbox WHERE aggregate_id = ?1 AND type = ?2")
                .setParameter(1, chain.value()).setParameter(2, type.name()).getResultList();
        return payloads.stream().map(p -> Json.read(p, DomainCommand.class)).map(c -> new ChainTransactions.Ack(UUID.randomUUID().toString(),
                new DomainAck(c.commandId(), c.chainId(), c.providerId(), c.operation(), true, null, List.of(), Instant.now()))).toList();
    }

    /** The broker's producer's metadata of the topics an order's events and commands go to (what a first send would fetch). */
    private static void topics(ApplicationContext broker, MarketReadModel market) {
        var producer = broker.getBean(EventProducer.class).producer();
        producer.partitionsFor(Topics.CHAIN_EVENTS);
        market.domains().forEach(d -> producer.partitionsFor(Topics.forProvider(Topics.DOMAIN_COMMANDS, d.providerId())));
    }

    /** Requests as a buyer would make them, none of which stores anything. */
    private void api(String token, byte[] order, boolean login) throws Exception {
        String base = api.toString().replaceAll("/$", "") + "/api/v1";
        send(HttpRequest.newBuilder(URI.create(base + "/offers")), token);
        send(HttpRequest.newBuilder(URI.create(base + "/chains")), token);
        send(HttpRequest.newBuilder(URI.create(base + "/chains/" + UUID.randomUUID())), token);
        // refused by the order's schema (a negative bandwidth) before anything is looked up or stored
        String refused = new String(order, StandardCharsets.UTF_8).replaceFirst("\"bandwidthMbps\":[0-9.]+", "\"bandwidthMbps\":-1");
        send(HttpRequest.newBuilder(URI.create(base + "/chains")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(refused)), token);
        if (login) {
            // a BCrypt check, as costly as a real login: once
            send(HttpRequest.newBuilder(URI.create(base + "/tokens")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"" + BUYER + "\",\"password\":\"not the password\"}")), null);
        }
    }

    private void send(HttpRequest.Builder request, String token) throws Exception {
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding());
    }
}
