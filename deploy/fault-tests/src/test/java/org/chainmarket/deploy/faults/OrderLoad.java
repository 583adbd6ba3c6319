package org.chainmarket.deploy.faults;

import org.chainmarket.deploy.demo.DemoMarket;
import org.chainmarket.schemas.events.Json;
import org.chainmarket.selection.topology.Topology;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A few buyers ordering chains concurrently, each order under its own {@code Idempotency-Key}, and now and then
 * ending one of their chains; every order and every end is recorded with the answer it got (or that it got none).
 */
final class OrderLoad implements AutoCloseable {
    /** An order as sent, and what it was answered. */
    record Order(String buyer, String key, String body, Buyers.Answer answer) {
    }

    /** A chain's end as asked, and what it was answered. */
    record End(String buyer, String chainId, Buyers.Answer answer) {
    }

    private static final List<String> SWITCHES = Topology.bundled("Abilene").nodes().stream().map(n -> n.id()).toList();
    /** How many chains each buyer holds at most before it ends its oldest. */
    static final int HELD = 8;
    private final List<Buyers> buyers;
    private final int clients;
    private final List<Order> orders = new CopyOnWriteArrayList<>();
    private final List<End> ends = new CopyOnWriteArrayList<>();
    private final ExecutorService pool;
    private volatile boolean running = true;

    OrderLoad(Buyers buyers, int clients) {
        this(List.of(buyers), clients);
    }

    /** Buyers split over several ways in ({@code buyers}: one per broker replica they prefer), client by client. */
    OrderLoad(List<Buyers> buyers, int clients) {
        this.buyers = List.copyOf(buyers);
        this.clients = clients;
        this.pool = Executors.newFixedThreadPool(clients);
    }

    /**
     * Starts the buyers; each orders, waits a little, and ends its oldest chain once it holds more than
     * {@link #HELD} (so the load stays within the market's capacity and a refusal means something).
     */
    OrderLoad start() {
        for (int c = 0; c < clients; c++) {
            String buyer = Buyers.NAMES.get(c % Buyers.NAMES.size());
            Random random = new Random(c);
            Buyers via = buyers.get(c % buyers.size());
            pool.submit(() -> run(via, buyer, random));
        }
        return this;
    }

    private void run(Buyers via, String buyer, Random random) {
        Deque<String> mine = new ArrayDeque<>();
        while (running) {
            Order o = order(via, buyer, UUID.randomUUID().toString(), body(buyer, random));
            if (o.answer().status() == 201) {
                mine.add(o.answer().chainId());
                if (mine.size() > HELD) {
                    String chain = mine.poll();
                    ends.add(new End(buyer, chain, via.end(buyer, chain)));
                }
            }
            pause(o.answer().status() == 503 ? retryAfter(o.answer()) : o.answer().answered() ? 100 : 500);
        }
    }

    /** Sends one order now and records it (the load's buyers and a test's retries alike). */
    Order order(String buyer, String key, String body) {
        return order(buyers.get(0), buyer, key, body);
    }

    /** Sends one order now through {@code via} and records it. */
    Order order(Buyers via, String buyer, String key, String body) {
        Order o = new Order(buyer, key, body, via.order(buyer, key, body));
        orders.add(o);
        return o;
    }

    private static String body(String buyer, Random random) {
        String in = SWITCHES.get(random.nextInt(SWITCHES.size()));
        String out = SWITCHES.get(random.nextInt(SWITCHES.size()));
        List<String> types = new ArrayList<>(DemoMarket.VNF_TYPES);
        java.util.Collections.shuffle(types, random);
        return Json.text(Map.of("buyerId", buyer, "vnfTypes", types.subList(0, 1 + random.nextInt(3)), "ingress", in,
                "egress", out, "bandwidthMbps", 100, "maxLatencyMs", 100, "maxPricePerHour", 60));
    }

    /** How many orders were answered 201 so far. */
    int accepted() {
        return (int) orders.stream().filter(o -> o.answer().status() == 201).count();
    }

    List<Order> orders() {
        return List.copyOf(orders);
    }

    List<End> ends() {
        return List.copyOf(ends);
    }

    /** What a 503's {@code Retry-After} asks a buyer to wait, at most two seconds (half a second if it says nothing). */
    private static long retryAfter(Buyers.Answer answer) {
        try {
            return Math.min(2_000, 1_000 * Long.parseLong(answer.retryAfter().orElse("").trim()));
        } catch (NumberFormatException e) {
            return 500;
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the buyers and waits for their requests in flight. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        pool.shutdown();
        if (!pool.awaitTermination(60, TimeUnit.SECONDS)) {
            pool.shutdownNow();
        }
    }
}
