package org.chainmarket.broker.usage;

import org.chainmarket.schemas.model.ChainId;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.ProviderId;
import org.chainmarket.schemas.model.UsageSegment;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Invoice lines from usage segments: clipped to the period, exact decimals, totals that are the sums of the lines. */
class InvoiceTest {
    private static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");

    private static UsageSegment segment(String id, String chain, int hop, String offer, String provider, String mbps, String pph,
                                        String ppm, Instant start, Instant end) {
        return new UsageSegment(id, ChainId.of(chain), "acme", hop, "fw", OfferId.of(offer), ProviderId.of(provider), new BigDecimal(mbps),
                new BigDecimal(pph), new BigDecimal(ppm), start, end, UsageSegment.Cause.ACTIVATED, end == null ? null : UsageSegment.Cause.ENDED,
                null, null);
    }

    private static Instant h(double hours) {
        return T0.plus(Duration.ofMillis(Math.round(hours * 3_600_000)));
    }

    @Test
    void aSegmentCostsHoursTimesPricePlusBandwidthTimesHoursTimesPricePerMbit() {
        // 2 h at 1.50 EUR/h + 200 Mbit/s x 2 h x 0.01 EUR = 3.00 + 4.00
        Invoice inv = Invoice.of(List.of(segment("s1", "c1", 0, "fw-1", "west", "200", "1.5", "0.01", T0, h(2))), T0, h(10), h(10));
        assertThat(inv.lines()).singleElement().satisfies(l -> {
            assertThat(l.hours()).isEqualByComparingTo("2");
            assertThat(l.mbpsHours()).isEqualByComparingTo("400");
            assertThat(l.hourlyAmount()).isEqualByComparingTo("3.00");
            assertThat(l.bandwidthAmount()).isEqualByComparingTo("4.00");
            assertThat(l.amount()).isEqualByComparingTo("7.00");
        });
        assertThat(inv.total()).isEqualByComparingTo("7.00");
    }

    @Test
    void segmentsAreClippedToThePeriodAndAnOpenOneRunsUntilNow() {
        List<UsageSegment> segments = List.of(
                segment("s1", "c1", 0, "fw-1", "west", "100", "1", "0", T0, h(4)),        // 1 h inside [3, 8)
                segment("s2", "c1", 0, "fw-1", "west", "100", "1", "0", h(4), null));     // open: 4 h until now = 8... clipped at 6 (now)
        Invoice inv = Invoice.of(segments, h(3), h(8), h(6));
        assertThat(inv.lines()).singleElement().satisfies(l -> assertThat(l.hours()).isEqualByComparingTo("3"));
        assertThat(inv.total()).isEqualByComparingTo("3");
        assertThat(Invoice.of(segments, h(10), h(12), h(6)).lines()).as("nothing in a later period").isEmpty();
    }

    @Test
    void linesArePerChainHopAndOfferWithTotalsPerChainProviderAndOffer() {
        List<UsageSegment> segments = List.of(
                segment("a", "c1", 0, "fw-1", "west", "100", "1", "0.01", T0, h(1)),     // 1 + 1 = 2
                segment("b", "c1", 0, "fw-1", "west", "150", "1", "0.01", h(1), h(2)),   // 1 + 1.5 = 2.5
                segment("c", "c1", 1, "dpi-1", "east", "100", "2", "0", T0, h(1)),       // 2
                segment("d", "c1", 1, "dpi-2", "east", "150", "3", "0", h(1), h(2)),     // 3
                segment("e", "c2", 0, "fw-1", "west", "10", "1", "0", T0, h(0.5)));      // 0.5
        Invoice inv = Invoice.of(segments, T0, h(24), h(24));
        assertThat(inv.lines()).extracting(l -> l.chainId() + "/" + l.hopIndex() + "/" + l.offerId() + "=" + l.amount().stripTrailingZeros().toPlainString())
                .containsExactly("c1/0/fw-1=4.5", "c1/1/dpi-1=2", "c1/1/dpi-2=3", "c2/0/fw-1=0.5");
        assertThat(inv.chains()).extracting(t -> t.id() + "=" + t.amount().stripTrailingZeros().toPlainString()).containsExactly("c1=9.5", "c2=0.5");
        assertThat(inv.providers()).extracting(t -> t.id() + "=" + t.amount().stripTrailingZeros().toPlainString()).containsExactly("east=5", "west=5");
        assertThat(inv.offers()).extracting(t -> t.id() + "=" + t.amount().stripTrailingZeros().toPlainString())
                .containsExactly("dpi-1=2", "dpi-2=3", "fw-1=5");
        assertThat(inv.total()).isEqualByComparingTo("10");
        assertThat(inv.lines().stream().map(Invoice.Line::amount).reduce(BigDecimal.ZERO, BigDecimal::add)).isEqualByComparingTo(inv.total());
    }

    @Test
    void pricesThatAreNotRoundInBinaryStayExact() {
        // 0.1 EUR/h for 3 x 1 h: 0.3 exactly, not 0.30000000000000004
        List<UsageSegment> segments = List.of(
                segment("a", "c1", 0, "fw-1", "west", "1", "0.1", "0", T0, h(1)),
                segment("b", "c1", 0, "fw-1", "west", "2", "0.1", "0", h(1), h(2)),
                segment("c", "c1", 0, "fw-1", "west", "3", "0.1", "0", h(2), h(3)));
        assertThat(Invoice.of(segments, T0, h(3), h(3)).total()).isEqualByComparingTo("0.3");
        // a millisecond of 1 EUR/h is 1/3,600,000 EUR: kept to the nano-euro
        assertThat(Invoice.amount(new BigDecimal("1"), BigDecimal.ZERO, BigDecimal.ONE, 1)).isEqualByComparingTo("0.000000278");
    }

    private static Invoice.Violation violation(String chain, Instant start, Instant end) {
        return new Invoice.Violation(chain, start, end);
    }

    @Test
    void aViolationCreditsThePriceOfTheViolatedTimeOnEachHopChargedToItsProvider() {
        // c1 over 4 h: hop 0 at west's 1 EUR/h, hop 1 at east's 2 EUR/h + 100 Mbit/s x 0.01; over its bound for [1 h, 1.5 h)
        List<UsageSegment> segments = List.of(
                segment("a", "c1", 0, "fw-1", "west", "100", "1", "0", T0, h(4)),          // 4, credit 0.5 x 1 = 0.5
                segment("b", "c1", 1, "dpi-1", "east", "100", "2", "0.01", T0, h(4)));     // 12, credit 0.5 x 3 = 1.5
        Invoice inv = Invoice.of(segments, List.of(violation("c1", h(1), h(1.5))), T0, h(24), h(24));
        assertThat(inv.lines()).extracting(l -> l.offerId() + " " + plain(l.creditHours()) + " h " + plain(l.credit()) + " -> " + plain(l.amount()))
                .containsExactly("fw-1 0.5 h 0.5 -> 3.5", "dpi-1 0.5 h 1.5 -> 10.5");
        assertThat(inv.usage()).isEqualByComparingTo("16");
        assertThat(inv.credit()).isEqualByComparingTo("2");
        assertThat(inv.total()).isEqualByComparingTo("14");
        assertThat(inv.providers()).extracting(t -> t.id() + " " + plain(t.usage()) + " - " + plain(t.credit()) + " = " + plain(t.amount()))
                .containsExactly("east 12 - 1.5 = 10.5", "west 4 - 0.5 = 3.5");
        assertThat(inv.buyers()).extracting(t -> t.id() + "=" + plain(t.amount())).containsExactly("acme=14");
        assertThat(inv.credits()).singleElement().satisfies(c -> {
            assertThat(c.chainId()).isEqualTo("c1");
            assertThat(c.startedAt()).isEqualTo(h(1));
            assertThat(c.hours()).isEqualByComparingTo("0.5");
            assertThat(c.amount()).isEqualByComparingTo("2");
        });
    }

    @Test
    void aViolationIsClippedToThePeriodAndToTheSegmentsItSpansAndAnOpenOneRunsUntilNow() {
        // one hop, 1 EUR/h until 2 h then (changed) 3 EUR/h; over its bound from 1.5 h, still open at now = 3 h; period [0, 2.5 h)
        List<UsageSegment> segments = List.of(
                segment("a", "c1", 0, "fw-1", "west", "100", "1", "0", T0, h(2)),
                segment("b", "c1", 0, "fw-1", "west", "100", "3", "0", h(2), null));
        Invoice inv = Invoice.of(segments, List.of(violation("c1", h(1.5), null), violation("c2", T0, h(1))), T0, h(2.5), h(3));
        // usage: 2 x 1 + 0.5 x 3 = 3.5; credit: 0.5 x 1 + 0.5 x 3 = 2 (c2's violation is not this chain's)
        assertThat(inv.lines()).singleElement().satisfies(l -> {
            assertThat(l.creditHours()).isEqualByComparingTo("1");
            assertThat(l.credit()).isEqualByComparingTo("2");
            assertThat(l.amount()).isEqualByComparingTo("1.5");
        });
        assertThat(inv.credits()).singleElement().satisfies(c -> {
            assertThat(c.endedAt()).as("clipped to the period").isEqualTo(h(2.5));
            assertThat(c.amount()).isEqualByComparingTo("2");
        });
        assertThat(inv.total()).isEqualByComparingTo("1.5");
    }

    @Test
    void aSegmentWhollyViolatedNetsToZeroAndOverlappingPeriodsAreCreditedOnce() {
        // 1/3 EUR/h is not exact in decimals: the credit is priced exactly as the usage, so the line nets to zero
        List<UsageSegment> segments = List.of(segment("a", "c1", 0, "fw-1", "west", "7", "0.333333333", "0.000000007", h(1), h(2)));
        Invoice inv = Invoice.of(segments, List.of(violation("c1", T0, h(1.7)), violation("c1", h(1.2), h(3))), T0, h(24), h(24));
        assertThat(inv.lines()).singleElement().satisfies(l -> {
            assertThat(l.creditHours()).isEqualByComparingTo("1");
            assertThat(l.amount()).isEqualByComparingTo("0");
        });
        assertThat(inv.credits()).as("the overlapping periods are one").hasSize(1);
        assertThat(inv.credit()).isEqualByComparingTo(inv.usage());
    }

    private static String plain(BigDecimal v) {
        return v.stripTrailingZeros().toPlainString();
    }
}
