package org.chainmarket.broker.usage;

import org.chainmarket.schemas.model.UsageSegment;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * What usage segments cost over a period, less the SLA credits the chains earned. Each segment clipped to
 * {@code [from, to)} (an open one runs until {@code now}) costs hours × price per hour plus Mbit/s × hours × price per
 * Mbit/s and hour, each part rounded once to the nano-euro ({@value #SCALE} decimals). Every period a chain was over
 * its latency bound (an SLA violation; an open one runs until {@code now}) credits the price of the violated time:
 * each of the chain's segments gives back what its hop cost during the violation, computed the same way, so the
 * credit is charged to the provider of each hop, and a segment wholly inside a violation nets to zero. A line (per
 * chain, hop and offer) is the exact sum of its segments' parts; its {@code amount} is what is owed (usage less
 * credit), and every total is the exact sum of lines. Pure: the {@link UsageService} reads segments and violations,
 * this prices them.
 */
public record Invoice(Instant from, Instant to, List<Line> lines, List<Credit> credits, List<Total> chains, List<Total> buyers,
                      List<Total> providers, List<Total> offers, BigDecimal usage, BigDecimal credit, BigDecimal total) {
    /** Decimals kept of every amount and of hours. */
    public static final int SCALE = 9;
    private static final BigDecimal MS_PER_HOUR = BigDecimal.valueOf(3_600_000);

    /**
     * One invoice line: what one hop of one chain used of one offer in the period ({@code hours}, {@code mbpsHours},
     * and their prices {@code hourlyAmount} and {@code bandwidthAmount}), the SLA credit of the violated time
     * ({@code creditHours}, {@code credit}), and what is owed, {@code amount} = hourly + bandwidth − credit.
     */
    public record Line(String chainId, String buyerId, int hopIndex, String vnfType, String offerId, String providerId,
                       BigDecimal hours, BigDecimal mbpsHours, BigDecimal hourlyAmount, BigDecimal bandwidthAmount,
                       BigDecimal creditHours, BigDecimal credit, BigDecimal amount) {
    }

    /** One SLA violation period of a chain, clipped to the invoice's period, and the credit it earned over all its hops. */
    public record Credit(String chainId, String buyerId, Instant startedAt, Instant endedAt, BigDecimal hours, BigDecimal amount) {
    }

    /** A total per chain, buyer, provider or offer: usage, credit, and what is owed ({@code amount}). */
    public record Total(String id, BigDecimal usage, BigDecimal credit, BigDecimal amount) {
    }

    /** A period {@code [startedAt, endedAt)} the chain was over its latency bound ({@code endedAt} null while it lasts). */
    public record Violation(String chainId, Instant startedAt, Instant endedAt) {
    }

    public static Invoice of(List<UsageSegment> segments, Instant from, Instant to, Instant now) {
        return of(segments, List.of(), from, to, now);
    }

    public static Invoice of(List<UsageSegment> segments, List<Violation> violations, Instant from, Instant to, Instant now) {
        Map<String, List<Instant[]>> violated = periods(violations, from, to, now);
        Map<String, Line> lines = new TreeMap<>();
        Map<String, BigDecimal> creditPerPeriod = new HashMap<>();
        Map<String, String> buyerOfChain = new HashMap<>();
        for (UsageSegment s : segments) {
            Instant start = s.startedAt().isBefore(from) ? from : s.startedAt();
            Instant end = s.endedAt() == null ? now : s.endedAt();
            end = end.isAfter(to) ? to : end;
            if (!end.isAfter(start)) {
                continue;
            }
            long ms = Duration.between(start, end).toMillis();
            BigDecimal hours = hours(ms);
            BigDecimal hourly = part(s.pricePerHour(), ms);
            BigDecimal bandwidth = part(s.pricePerMbpsHour().multiply(s.mbps()), ms);
            long creditMs = 0;
            BigDecimal credit = BigDecimal.ZERO;
            for (Instant[] v : violated.getOrDefault(s.chainId().value(), List.of())) {
                Instant a = v[0].isAfter(start) ? v[0] : start;
                Instant b = v[1].isBefore(end) ? v[1] : end;
                if (b.isAfter(a)) {
                    long overlap = Duration.between(a, b).toMillis();
                    BigDecimal c = part(s.pricePerHour(), overlap).add(part(s.pricePerMbpsHour().multiply(s.mbps()), overlap));
                    creditMs += overlap;
                    credit = credit.add(c);
                    creditPerPeriod.merge(s.chainId().value() + "\u0000" + v[0], c, BigDecimal::add);
                }
            }
            buyerOfChain.putIfAbsent(s.chainId().value(), s.buyerId());
            Line part = new Line(s.chainId().value(), s.buyerId(), s.hopIndex(), s.vnfType(), s.offerId().value(), s.providerId().value(),
                    hours, s.mbps().multiply(hours), hourly, bandwidth, hours(creditMs), credit, hourly.add(bandwidth).subtract(credit));
            String key = s.chainId().value() + "\u0000" + String.format("%05d", s.hopIndex()) + "\u0000" + s.offerId().value();
            lines.merge(key, part, Invoice::plus);
        }
        List<Credit> credits = new ArrayList<>();
        violated.forEach((chain, periods) -> {
            for (Instant[] v : periods) {
                BigDecimal amount = creditPerPeriod.get(chain + "\u0000" + v[0]);
                if (amount != null) {
                    credits.add(new Credit(chain, buyerOfChain.get(chain), v[0], v[1], hours(Duration.between(v[0], v[1]).toMillis()), amount));
                }
            }
        });
        credits.sort(Comparator.comparing(Credit::startedAt).thenComparing(Credit::chainId));
        List<Line> all = List.copyOf(lines.values());
        return new Invoice(from, to, all, List.copyOf(credits), totals(all, Line::chainId), totals(all, Line::buyerId), totals(all, Line::providerId),
                totals(all, Line::offerId), sum(all, l -> l.hourlyAmount().add(l.bandwidthAmount())), sum(all, Line::credit), sum(all, Line::amount));
    }

    private static Line plus(Line a, Line b) {
        return new Line(a.chainId(), a.buyerId(), a.hopIndex(), a.vnfType(), a.offerId(), a.providerId(), a.hours().add(b.hours()),
                a.mbpsHours().add(b.mbpsHours()), a.hourlyAmount().add(b.hourlyAmount()), a.bandwidthAmount().add(b.bandwidthAmount()),
                a.creditHours().add(b.creditHours()), a.credit().add(b.credit()), a.amount().add(b.amount()));
    }

    /**
     * Each chain's violation periods clipped to {@code [from, to)} (an open one ends at {@code now}), overlapping ones
     * merged, so no time is credited twice.
     */
    private static Map<String, List<Instant[]>> periods(List<Violation> violations, Instant from, Instant to, Instant now) {
        Map<String, List<Instant[]>> byChain = new TreeMap<>();
        violations.stream().sorted(Comparator.comparing(Violation::startedAt)).forEach(v -> {
            Instant a = v.startedAt().isBefore(from) ? from : v.startedAt();
            Instant b = v.endedAt() == null ? now : v.endedAt();
            b = b.isAfter(to) ? to : b;
            if (!b.isAfter(a)) {
                return;
            }
            List<Instant[]> list = byChain.computeIfAbsent(v.chainId(), k -> new ArrayList<>());
            Instant[] last = list.isEmpty() ? null : list.get(list.size() - 1);
            if (last != null && !a.isAfter(last[1])) {
                last[1] = b.isAfter(last[1]) ? b : last[1];
            } else {
                list.add(new Instant[] {a, b});
            }
        });
        return byChain;
    }

    private static List<Total> totals(List<Line> lines, Function<Line, String> by) {
        Map<String, Total> sums = new TreeMap<>();
        lines.forEach(l -> sums.merge(by.apply(l), new Total(by.apply(l), l.hourlyAmount().add(l.bandwidthAmount()), l.credit(), l.amount()),
                (a, b) -> new Total(a.id(), a.usage().add(b.usage()), a.credit().add(b.credit()), a.amount().add(b.amount()))));
        return List.copyOf(sums.values());
    }

    private static BigDecimal sum(List<Line> lines, Function<Line, BigDecimal> of) {
        return lines.stream().map(of).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    /** Hours in {@code ms} milliseconds, to {@value #SCALE} decimals. */
    public static BigDecimal hours(long ms) {
        return BigDecimal.valueOf(ms).divide(MS_PER_HOUR, SCALE, RoundingMode.HALF_EVEN);
    }

    /**
     * EUR for {@code ms} milliseconds at {@code pricePerHour} plus {@code mbps} at {@code pricePerMbpsHour}: each part
     * rounded once to {@value #SCALE} decimals, as an invoice line prices a segment.
     */
    public static BigDecimal amount(BigDecimal pricePerHour, BigDecimal pricePerMbpsHour, BigDecimal mbps, long ms) {
        return part(pricePerHour, ms).add(part(pricePerMbpsHour.multiply(mbps), ms));
    }

    private static BigDecimal part(BigDecimal perHour, long ms) {
        return perHour.multiply(BigDecimal.valueOf(ms)).divide(MS_PER_HOUR, SCALE, RoundingMode.HALF_EVEN);
    }
}
