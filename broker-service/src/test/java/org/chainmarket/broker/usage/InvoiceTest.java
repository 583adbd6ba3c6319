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
}
