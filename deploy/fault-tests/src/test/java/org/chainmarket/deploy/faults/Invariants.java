package org.chainmarket.deploy.faults;

import org.assertj.core.api.SoftAssertions;
import org.awaitility.core.ConditionTimeoutException;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;

/**
 * What must hold after a fault, once the marketplace is back, checked against what the buyers were answered, the
 * database (the system of record) and the domains themselves:
 * <ol>
 *   <li>an order answered 201 or 422 exists exactly once, as the chain it was answered with;</li>
 *   <li>an order answered 503 became no chain, unless the 503 said {@code outcome-unknown} (the connection broke under
 *       its commit); such an order, like an unanswered one, became at most one, and retried under its key it is
 *       answered with that chain (or becomes one then, once);</li>
 *   <li>no chain exists that no order asked for, and no order is answered anything but 201, 422 or 503;</li>
 *   <li>no chain is stuck: each reaches ACTIVE, REJECTED, FAILED or TERMINATED within {@link #SETTLE}, a REJECTED or
 *       FAILED one with its reason, and an accepted end is carried out (the chain is TERMINATED, or FAILED when its set-up failed first; never ACTIVE);</li>
 *   <li>what each offer and each link has reserved equals what the ACTIVE chains hold on it, and never exceeds its
 *       capacity;</li>
 *   <li>each domain carries flow entries for exactly the ACTIVE chains that cross it (no orphan, none missing).</li>
 * </ol>
 * Each is a soft assertion, so one failing run names every invariant that broke.
 */
final class Invariants {
    /** How long chains may take to reach a final state once the marketplace is back. */
    static final Duration SETTLE = Duration.ofSeconds(90);
    /** How long the domains may take to carry what the ACTIVE chains need once chains are settled. */
    static final Duration DOMAINS = Duration.ofSeconds(75);
    private static final Set<String> FINAL = Set.of("ACTIVE", "REJECTED", "FAILED", "TERMINATED");
    private static final int SHOWN = 12;
    /** How many orders without a definite answer are retried. */
    private static final int RETRIES = 30;
    private final Market market;
    private final Buyers buyers;
    private final OrderLoad load;
    private final SoftAssertions soft;

    private record ChainRow(String id, String buyer, String key, String state, String reason) {
    }

    Invariants(Market market, Buyers buyers, OrderLoad load, SoftAssertions soft) {
        this.market = market;
        this.buyers = buyers;
        this.load = load;
        this.soft = soft;
    }

    /** Checks every invariant; the buyers' load must be stopped. */
    void check() {
        settle();
        ordersAnsweredAsTheyExist();
        retriedOrdersAreOneChain();
        settle();
        refusalsSayWhy();
        endsEndChains();
        reservationsEqualActiveChains();
        domainsCarryActiveChains();
    }

    private void settle() {
        AtomicReference<List<ChainRow>> open = new AtomicReference<>(List.of());
        try {
            await().atMost(SETTLE).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().until(() -> {
                open.set(chains().stream().filter(c -> !FINAL.contains(c.state())).toList());
                return open.get().isEmpty();
            });
        } catch (ConditionTimeoutException e) {
            soft.fail("no chain is stuck: %d chains are not ACTIVE, REJECTED, FAILED or TERMINATED %d s after recovery, "
                    + "by state %s, for example %s", open.get().size(), SETTLE.toSeconds(),
                    open.get().stream().collect(Collectors.groupingBy(ChainRow::state, TreeMap::new, Collectors.counting())),
                    first(open.get()));
        }
    }

    private void ordersAnsweredAsTheyExist() {
        Map<String, List<ChainRow>> byKey = byKey();
        Map<String, List<OrderLoad.Order>> orders = ordersByKey();
        List<String> notOnce = new ArrayList<>();
        List<String> refusedButMade = new ArrayList<>();
        List<String> unansweredTwice = new ArrayList<>();
        List<String> notReadable = new ArrayList<>();
        orders.forEach((key, sent) -> {
            List<ChainRow> made = byKey.getOrDefault(key, List.of());
            List<Buyers.Answer> definite = sent.stream().map(OrderLoad.Order::answer)
                    .filter(a -> a.status() == 201 || a.status() == 422).toList();
            if (!definite.isEmpty()) {
                Set<String> answered = definite.stream().map(Buyers.Answer::chainId).collect(Collectors.toSet());
                if (made.size() != 1 || answered.size() != 1 || !answered.contains(made.get(0).id())) {
                    notOnce.add(key + " answered " + answered + " exists as " + made);
                } else if (buyers.chain(sent.get(0).buyer(), made.get(0).id()).status() != 200) {
                    notReadable.add(made.get(0).id());
                }
            } else if (sent.stream().allMatch(o -> o.answer().refused() || o.answer().status() == Buyers.NOT_DELIVERED)) {
                if (!made.isEmpty()) {
                    refusedButMade.add(key + " became " + made);
                }
            } else if (made.size() > 1) {
                unansweredTwice.add(key + " became " + made);
            }
        });
        soft.assertThat(notOnce).as("every order answered 201 or 422 exists exactly once, as the chain it was answered with")
                .isEmpty();
        soft.assertThat(notReadable).as("every chain answered 201 or 422 can be read by its buyer").isEmpty();
        soft.assertThat(refusedButMade).as("no order answered 503 store-unavailable (or that could not connect) became a chain").isEmpty();
        soft.assertThat(unansweredTwice).as("no unanswered or outcome-unknown order became more than one chain").isEmpty();
        soft.assertThat(byKey.keySet().stream().filter(k -> !orders.containsKey(k)).toList())
                .as("no chain exists that no order asked for").isEmpty();
        Map<Integer, Long> otherwise = load.orders().stream().map(o -> o.answer().status())
                .filter(s -> s > 0 && s != 201 && s != 422 && s != 503)
                .collect(Collectors.groupingBy(Function.identity(), TreeMap::new, Collectors.counting()));
        soft.assertThat(otherwise)
                .as("every answered order is answered 201, 422 or 503 (statuses otherwise answered, with how many)").isEmpty();
    }

    /**
     * The orders that got no definite answer (at most {@link #RETRIES}, the unanswered first), retried under their own
     * keys as their buyers would once the marketplace is back.
     */
    private void retriedOrdersAreOneChain() {
        Map<String, List<ChainRow>> before = byKey();
        List<String> wrong = new ArrayList<>();
        List<List<OrderLoad.Order>> undecided = ordersByKey().values().stream()
                .filter(sent -> sent.stream().noneMatch(o -> o.answer().status() == 201 || o.answer().status() == 422))
                .sorted(java.util.Comparator.comparing(sent -> sent.stream().noneMatch(o -> o.answer().status() == Buyers.UNANSWERED)))
                .limit(RETRIES).toList();
        undecided.forEach(sent -> {
            OrderLoad.Order first = sent.get(0);
            String key = first.buyer() + "/" + first.key();
            Buyers.Answer again = load.order(first.buyer(), first.key(), first.body()).answer();
            List<ChainRow> existed = before.getOrDefault(key, List.of());
            if ((again.status() != 201 && again.status() != 422)
                    || (!existed.isEmpty() && !existed.get(0).id().equals(again.chainId()))) {
                wrong.add(key + " (" + (existed.isEmpty() ? "no chain" : existed.get(0).id()) + ") answered "
                        + again.status() + " " + again.body());
            }
        });
        soft.assertThat(wrong).as("an order without a definite answer, retried under its key once the marketplace is back, "
                + "is answered 201 or 422 with the chain it already became, if it became one").isEmpty();
        Map<String, List<ChainRow>> after = byKey();
        soft.assertThat(after.entrySet().stream().filter(e -> e.getValue().size() > 1).map(Map.Entry::toString).toList())
                .as("after the retries, every key names one chain").isEmpty();
    }

    private void refusalsSayWhy() {
        soft.assertThat(chains().stream().filter(c -> ("REJECTED".equals(c.state()) || "FAILED".equals(c.state()))
                        && (c.reason() == null || c.reason().isBlank())).map(ChainRow::id).toList())
                .as("every REJECTED or FAILED chain says why (its reason)").isEmpty();
    }

    private void endsEndChains() {
        Map<String, ChainRow> chains = chains().stream().collect(Collectors.toMap(ChainRow::id, Function.identity()));
        soft.assertThat(load.ends().stream().filter(e -> e.answer().status() == 202).map(e -> chains.get(e.chainId()))
                        .filter(c -> !"TERMINATED".equals(c.state()) && !"FAILED".equals(c.state()))
                        .map(c -> c.id() + " " + c.state() + ": " + c.reason()).toList())
                .as("every chain whose end was accepted (202) is TERMINATED, or FAILED if its set-up failed first").isEmpty();
    }

    private void reservationsEqualActiveChains() {
        List<String> offers = query("""
                SELECT o.id, o.capacity_mbps, o.reserved_mbps, o.max_chains, o.reserved_chains,
                       COALESCE(SUM(r.mbps) FILTER (WHERE c.state = 'ACTIVE'), 0) AS held
                FROM offer o LEFT JOIN chain_reservation r ON r.offer_id = o.id LEFT JOIN chain c ON c.id = r.chain_id
                GROUP BY o.id""", rs -> {
            double capacity = rs.getDouble(2), reserved = rs.getDouble(3), held = rs.getDouble(6);
            boolean wrong = Math.abs(reserved - held) > 1e-6 || reserved > capacity + 1e-6 || rs.getInt(5) > rs.getInt(4);
            return wrong ? rs.getString(1) + ": reserved " + reserved + " of " + capacity + " Mbit/s (" + rs.getInt(5) + " of "
                    + rs.getInt(4) + " chains), ACTIVE chains hold " + held : null;
        });
        soft.assertThat(offers).as("every offer's reservation equals what ACTIVE chains hold on it, within its capacity")
                .isEmpty();
        List<String> links = query("""
                SELECT l.link_key, l.capacity_mbps, l.reserved_mbps,
                       COALESCE(SUM(cl.mbps) FILTER (WHERE c.state = 'ACTIVE'), 0) AS held
                FROM link l LEFT JOIN chain_link cl ON cl.link_key = l.link_key LEFT JOIN chain c ON c.id = cl.chain_id
                GROUP BY l.link_key""", rs -> {
            double capacity = rs.getDouble(2), reserved = rs.getDouble(3), held = rs.getDouble(4);
            boolean wrong = Math.abs(reserved - held) > 1e-6 || reserved > capacity + 1e-6;
            return wrong ? rs.getString(1) + ": reserved " + reserved + " of " + capacity + " Mbit/s, ACTIVE chains hold " + held
                    : null;
        });
        soft.assertThat(links).as("every link's reservation equals what ACTIVE chains hold on it, within its capacity")
                .isEmpty();
        soft.assertThat(query("""
                SELECT c.id FROM chain c WHERE c.state = 'ACTIVE'
                  AND NOT EXISTS (SELECT 1 FROM chain_reservation r WHERE r.chain_id = c.id)""", rs -> rs.getString(1)))
                .as("every ACTIVE chain holds capacity on its offers").isEmpty();
    }

    private void domainsCarryActiveChains() {
        AtomicReference<Map<String, List<String>>> differences = new AtomicReference<>(Map.of());
        try {
            await().atMost(DOMAINS).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().until(() -> {
                differences.set(domainDifferences());
                return differences.get().isEmpty();
            });
        } catch (ConditionTimeoutException e) {
            // reported below with what the domains still differ in
        }
        String example = differences.get().isEmpty() ? "" : "; the first differing chain as its buyer reads it: " + firstDiffering();
        soft.assertThat(differences.get())
                .as("each domain carries flow entries for exactly the ACTIVE chains that cross it (after %d s; by provider: "
                        + "orphans are chains it carries that no ACTIVE chain needs there, missing are ACTIVE chains it lacks)%s",
                        DOMAINS.toSeconds(), example)
                .isEmpty();
    }

    /** The chain view (with what each domain last said of it) of the first chain a domain lacks or holds in excess. */
    private String firstDiffering() {
        Map<String, ChainRow> chains = chains().stream().collect(Collectors.toMap(ChainRow::id, Function.identity()));
        Map<String, Set<String>> carried = market.carriedChains();
        Set<String> needed = new TreeSet<>(query("""
                SELECT d.provider_id || '/' || d.chain_id FROM chain_domain d JOIN chain c ON c.id = d.chain_id
                WHERE c.state = 'ACTIVE'""", rs -> rs.getString(1)));
        Set<String> held = new TreeSet<>();
        carried.forEach((p, ids) -> ids.forEach(id -> held.add(p + "/" + id)));
        Set<String> differing = new TreeSet<>(needed);
        differing.addAll(held);
        differing.removeIf(k -> needed.contains(k) && held.contains(k));
        return differing.stream().findFirst().map(k -> k.substring(k.indexOf('/') + 1)).map(chains::get)
                .map(c -> {
                    String view = String.valueOf(buyers.chain(c.buyer(), c.id()).body());
                    return view.length() > 3000 ? view.substring(0, 3000) + "..." : view;
                }).orElse("(none left)");
    }

    /** The chains in the database by state, and the failed ones by the first words of their reason. */
    String summary() {
        List<ChainRow> all = chains();
        return "chains " + all.stream().collect(Collectors.groupingBy(ChainRow::state, TreeMap::new, Collectors.counting()))
                + ", failed because " + all.stream().filter(c -> "FAILED".equals(c.state()))
                .collect(Collectors.groupingBy(c -> String.valueOf(c.reason()).replaceAll("Provider [a-z, ]+ did", "Provider(s) did"),
                        TreeMap::new, Collectors.counting()));
    }

    private Map<String, List<String>> domainDifferences() {
        Map<String, Set<String>> needed = new TreeMap<>();
        query("""
                SELECT d.provider_id, d.chain_id FROM chain_domain d JOIN chain c ON c.id = d.chain_id
                WHERE c.state = 'ACTIVE'""", rs -> needed.computeIfAbsent(rs.getString(1), p -> new TreeSet<>()).add(rs.getString(2)));
        Map<String, Set<String>> carried = market.carriedChains();
        Map<String, List<String>> out = new LinkedHashMap<>();
        Set<String> providers = new TreeSet<>(needed.keySet());
        providers.addAll(carried.keySet());
        for (String p : providers) {
            Set<String> orphans = new TreeSet<>(carried.getOrDefault(p, Set.of()));
            orphans.removeAll(needed.getOrDefault(p, Set.of()));
            Set<String> missing = new TreeSet<>(needed.getOrDefault(p, Set.of()));
            missing.removeAll(carried.getOrDefault(p, Set.of()));
            if (!orphans.isEmpty() || !missing.isEmpty()) {
                out.put(p, List.of(orphans.size() + " orphans " + first(List.copyOf(orphans)), missing.size() + " missing "
                        + first(List.copyOf(missing)) + " of " + needed.getOrDefault(p, Set.of()).size() + " needed"));
            }
        }
        return out;
    }

    private Map<String, List<OrderLoad.Order>> ordersByKey() {
        Map<String, List<OrderLoad.Order>> out = new LinkedHashMap<>();
        load.orders().forEach(o -> out.computeIfAbsent(o.buyer() + "/" + o.key(), k -> new ArrayList<>()).add(o));
        return out;
    }

    private Map<String, List<ChainRow>> byKey() {
        Map<String, List<ChainRow>> out = new HashMap<>();
        chains().forEach(c -> out.computeIfAbsent(c.buyer() + "/" + c.key(), k -> new ArrayList<>()).add(c));
        return out;
    }

    private List<ChainRow> chains() {
        return query("SELECT id, buyer_id, idempotency_key, state, reason FROM chain",
                rs -> new ChainRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)));
    }

    private interface Row<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /** The non-null values {@code row} makes of each row of {@code sql}. */
    private <T> List<T> query(String sql, Row<T> row) {
        try (Connection c = DriverManager.getConnection(market.jdbcUrl()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            List<T> out = new ArrayList<>();
            while (rs.next()) {
                T value = row.read(rs);
                if (value != null) {
                    out.add(value);
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the marketplace's database: " + e.getMessage(), e);
        }
    }

    private static <T> String first(List<T> items) {
        return items.size() <= SHOWN ? items.toString() : items.subList(0, SHOWN) + " and " + (items.size() - SHOWN) + " more";
    }
}
