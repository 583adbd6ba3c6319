package org.chainmarket.broker.usage;

import org.chainmarket.schemas.model.UsageSegment;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * What usage segments cost over a period: each segment clipped to {@code [from, to)} (an open one runs until
 * {@code now}) is hours × price per hour plus Mbit/s × hours × price per Mbit/s and hour, each part rounded once to
 * the nano-euro ({@value #SCALE} decimals); a line (per chain, hop and offer) is the exact sum of its segments' parts,
 * every total the exact sum of lines. Pure: the {@link UsageService} reads the segments, this prices them.
 */
public record Invoice(Instant from, Instant to, List<Line> lines, List<Total> chains, List<Total> providers, List<Total> offers,
                      BigDecimal total) {
    /** Decimals kept of every amount and of hours. */
    public static final int SCALE = 9;
    private static final BigDecimal MS_PER_HOUR = BigDecimal.valueOf(3_600_000);

    /** One invoice line: what one hop of one chain used of one offer in the period. */
    public record Line(String chainId, String buyerId, int hopIndex, String vnfType, String offerId, String providerId,
                       BigDecimal hours, BigDecimal mbpsHours, BigDecimal hourlyAmount, BigDecimal bandwidthAmount, BigDecimal amount) {
    }

    /** A total per chain, provider or offer. */
    public record Total(String id, BigDecimal amount) {
    }

    public static Invoice of(List<UsageSegment> segments, Instant from, Instant to, Instant now) {
        Map<String, Line> lines = new TreeMap<>();
        for (UsageSegment s : segments) {
            Instant start = s.startedAt().isBefore(from) ? from : s.startedAt();
            Instant end = s.endedAt() == null ? now : s.endedAt();
            end = end.isAfter(to) ? to : end;
            if (!end.isAfter(start)) {
                continue;
            }
            long ms = Duration.between(start, end).toMillis();
            BigDecimal hours = hours(ms);
            BigDecimal hourly = amount(s.pricePerHour(), BigDecimal.ZERO, BigDecimal.ZERO, ms);
            BigDecimal bandwidth = amount(BigDecimal.ZERO, s.pricePerMbpsHour(), s.mbps(), ms);
            String key = s.chainId().value() + "\u0000" + String.format("%05d", s.hopIndex()) + "\u0000" + s.offerId().value();
            Line before = lines.get(key);
            lines.put(key, before == null
                    ? new Line(s.chainId().value(), s.buyerId(), s.hopIndex(), s.vnfType(), s.offerId().value(), s.providerId().value(),
                    hours, s.mbps().multiply(hours), hourly, bandwidth, hourly.add(bandwidth))
                    : new Line(before.chainId(), before.buyerId(), before.hopIndex(), before.vnfType(), before.offerId(), before.providerId(),
                    before.hours().add(hours), before.mbpsHours().add(s.mbps().multiply(hours)), before.hourlyAmount().add(hourly),
                    before.bandwidthAmount().add(bandwidth), before.amount().add(hourly).add(bandwidth)));
        }
        List<Line> all = List.copyOf(lines.values());
        return new Invoice(from, to, all, totals(all, Line::chainId), totals(all, Line::providerId), totals(all, Line::offerId),
                all.stream().map(Line::amount).reduce(BigDecimal.ZERO, BigDecimal::add));
    }

    private static List<Total> totals(List<Line> lines, Function<Line, String> by) {
        Map<String, BigDecimal> sums = new TreeMap<>();
        lines.forEach(l -> sums.merge(by.apply(l), l.amount(), BigDecimal::add));
        return sums.entrySet().stream().map(e -> new Total(e.getKey(), e.getValue())).sorted(Comparator.comparing(Total::id)).toList();
    }

    /** Hours in {@code ms} milliseconds, to {@value #SCALE} decimals. */
    public static BigDecimal hours(long ms) {
        return BigDecimal.valueOf(ms).divide(MS_PER_HOUR, SCALE, RoundingMode.HALF_EVEN);
    }

    /** EUR for {@code ms} milliseconds at {@code pricePerHour} plus {@code mbps} at {@code pricePerMbpsHour}, to {@value #SCALE} decimals. */
    public static BigDecimal amount(BigDecimal pricePerHour, BigDecimal pricePerMbpsHour, BigDecimal mbps, long ms) {
        BigDecimal rate = pricePerHour.add(pricePerMbpsHour.multiply(mbps));
        return rate.multiply(BigDecimal.valueOf(ms)).divide(MS_PER_HOUR, SCALE, RoundingMode.HALF_EVEN);
    }
}
