package org.chainmarket.deploy.faults;

import org.assertj.core.api.SoftAssertions;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;

/**
 * One fault under load: four buyers order (and end chains) against a running marketplace, the fault is made once
 * {@link #BEFORE} orders were accepted, the buyers go on until {@link #AFTER} more were accepted after it (so the
 * marketplace is shown to serve again), then stop, and the {@link Invariants} are checked.
 */
final class FaultRun {
    /** How long a stopped store stays down while the buyers keep ordering. */
    static final Duration OUTAGE = Duration.ofSeconds(15);
    static final int BUYERS = 4;
    static final int BEFORE = 12;
    static final int AFTER = 12;
    private static final Duration SERVING = Duration.ofSeconds(120);

    /** What the fault does: stop or kill something, wait, start it again. */
    interface Fault {
        void make() throws Exception;
    }

    /** A store the test stops and starts again. */
    interface Store {
        void stop() throws Exception;

        void start() throws Exception;
    }

    /**
     * Kafka and PostgreSQL each in a process of its own, the marketplace on them; the store {@code which} picks is
     * stopped for {@link #OUTAGE} while buyers order and started again; then the invariants, and that no order hung.
     */
    static void storeOutage(java.nio.file.Path dir, String name,
                            java.util.function.BiFunction<KafkaProcess, PostgresServer, Store> which) throws Exception {
        SoftAssertions soft = new SoftAssertions();
        try (KafkaProcess kafka = new KafkaProcess(dir.resolve("kafka"));
             PostgresServer postgres = new PostgresServer(dir.resolve("postgres"))) {
            kafka.start();
            postgres.start();
            Store store = which.apply(kafka, postgres);
            try (MarketplaceProcess market = MarketplaceProcess.on(kafka, postgres)) {
                market.start();
                Result result = run(name, market, () -> {
                    store.stop();
                    Thread.sleep(OUTAGE.toMillis());
                    store.start();
                }, soft);
                noOrderHung(result, soft);
                soft.assertAll();
            }
        }
    }

    /** What a run showed: every order and end, with their answers. */
    record Result(OrderLoad load, List<OrderLoad.Order> duringFault) {
    }

    private FaultRun() {
    }

    static Result run(String name, MarketplaceProcess market, Fault fault, SoftAssertions soft) throws Exception {
        Buyers buyers = new Buyers(market.api());
        OrderLoad load = new OrderLoad(buyers, BUYERS);
        List<OrderLoad.Order> duringFault;
        Map<String, Long> appliedAtRecovery;
        try (load) {
            load.start();
            await().atMost(SERVING).until(() -> load.accepted() >= BEFORE);
            int from = load.orders().size();
            fault.make();
            int to = load.orders().size();
            duringFault = load.orders().subList(from, to);
            appliedAtRecovery = market.appliedCommands();
            int accepted = load.accepted();
            await().atMost(SERVING).until(() -> load.accepted() >= accepted + AFTER);
        }
        System.out.printf("%s: %d orders %s (during the fault %s; unanswered count -1, not delivered 0), %d ends %s%n", name,
                load.orders().size(), statuses(load.orders()), statuses(duringFault), load.ends().size(),
                load.ends().stream().collect(Collectors.groupingBy(e -> e.answer().status(), TreeMap::new, Collectors.counting())));
        servesAgain(buyers, load, soft);
        System.out.printf("%s: commands applied by the domains when it was back %s, after the buyers stopped %s%n", name,
                appliedAtRecovery, market.appliedCommands());
        Invariants invariants = new Invariants(market, buyers, load, soft);
        invariants.check();
        System.out.printf("%s, after recovery: %s%n", name, invariants.summary());
        java.nio.file.Path log = java.nio.file.Path.of("target", name.replace(' ', '-') + "-marketplace.log");
        java.nio.file.Files.write(log, market.output());
        System.out.printf("%s: the marketplace logged %d warnings and errors (its output: %s)%n", name,
                market.output().stream().filter(l -> l.contains(" WARN ") || l.contains(" ERROR ")).count(), log.toAbsolutePath());
        return new Result(load, duringFault);
    }

    /**
     * The marketplace serves again: a small order placed through {@code buyers} once the buyers stopped (1 Mbit/s, one VNF; each VNF type tried
     * between seattle and new-york, then between other switches, until one is accepted: the load's chains still running may fill the links
     * of one pair) becomes ACTIVE within {@link Invariants#SETTLE}.
     */
    static void servesAgain(Buyers buyers, OrderLoad load, SoftAssertions soft) {
        Buyers.Answer accepted = null;
        List<String> refusals = new java.util.ArrayList<>();
        List<List<String>> pairs = List.of(List.of("seattle", "new-york"), List.of("sunnyvale", "atlanta"),
                List.of("los-angeles", "chicago"), List.of("denver", "washington-dc"));
        for (List<String> pair : pairs) {
            for (String type : org.chainmarket.deploy.demo.DemoMarket.VNF_TYPES) {
                String body = org.chainmarket.schemas.events.Json.text(Map.of("buyerId", "acme", "vnfTypes", List.of(type),
                        "ingress", pair.get(0), "egress", pair.get(1), "bandwidthMbps", 1, "maxLatencyMs", 200, "maxPricePerHour", 100));
                Buyers.Answer a = load.order(buyers, "acme", java.util.UUID.randomUUID().toString(), body).answer();
                if (a.status() == 201) {
                    accepted = a;
                    break;
                }
                refusals.add(a.status() + " " + a.body());
            }
            if (accepted != null) {
                break;
            }
        }
        if (accepted == null) {
            soft.fail("a small order placed after recovery is accepted, but none of the VNF types was: %s", refusals);
            return;
        }
        String id = accepted.chainId();
        java.util.concurrent.atomic.AtomicReference<String> state = new java.util.concurrent.atomic.AtomicReference<>();
        try {
            await().atMost(Invariants.SETTLE).pollInterval(Duration.ofMillis(500)).until(() -> {
                Buyers.Answer a = buyers.chain("acme", id);
                state.set(a.answered() ? a.body().path("state").asText() + " " + a.body().path("reason").asText("") : a.failure());
                return state.get().startsWith("ACTIVE") || state.get().startsWith("FAILED") || state.get().startsWith("REJECTED");
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // reported below with the state it was left in
        }
        soft.assertThat(state.get()).as("an order placed after recovery (chain %s) becomes ACTIVE within %d s", id,
                Invariants.SETTLE.toSeconds()).startsWith("ACTIVE");
    }

    /**
     * While a store was down, no order hung: each got 201, 422 or a 503 naming when to retry ({@code Retry-After})
     * within the buyer's patience ({@link Buyers#TIMEOUT}).
     */
    static void noOrderHung(Result result, SoftAssertions soft) {
        List<OrderLoad.Order> orders = result.load().orders();
        Map<String, Long> unanswered = orders.stream().filter(o -> !o.answer().answered())
                .collect(Collectors.groupingBy(o -> String.valueOf(o.answer().failure()), TreeMap::new, Collectors.counting()));
        soft.assertThat(unanswered)
                .as("no order went unanswered for %d s while a store was down (%d orders sent during the outage; failures with "
                        + "how many)", Buyers.TIMEOUT.toSeconds(), result.duringFault().size())
                .isEmpty();
        soft.assertThat(orders.stream().filter(o -> o.answer().status() == 503 && o.answer().retryAfter().isEmpty()).count())
                .as("every order answered 503 says when to retry (Retry-After)").isZero();
    }

    /** How many of {@code orders} were answered with each status. */
    static Map<Integer, Long> statuses(List<OrderLoad.Order> orders) {
        return orders.stream().collect(Collectors.groupingBy(o -> o.answer().status(), TreeMap::new, Collectors.counting()));
    }
}
