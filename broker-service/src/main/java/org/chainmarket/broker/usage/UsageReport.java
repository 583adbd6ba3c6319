package org.chainmarket.broker.usage;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * {@code GET /api/v1/usage}: whose usage it is ({@code scope} BUYER, PROVIDER or ALL, and the party), the period
 * {@code [from, to)}, the invoice lines (per chain, hop and offer, each with its SLA credit and what is owed), the SLA
 * credits per violation period, and the totals per chain, buyer, provider and offer; a provider's totals per offer
 * are its revenue. {@code usage} is what was used, {@code credit} what SLA violations gave back, {@code total} what is
 * owed (usage − credit). Amounts in EUR, exact to {@value Invoice#SCALE} decimals.
 */
public record UsageReport(UsageService.Scope scope, String party, String currency, Instant from, Instant to, List<Invoice.Line> lines,
                          List<Invoice.Credit> credits, List<Invoice.Total> chains, List<Invoice.Total> buyers, List<Invoice.Total> providers,
                          List<Invoice.Total> offers, BigDecimal usage, BigDecimal credit, BigDecimal total) {

    static UsageReport of(UsageService.Scope scope, String party, Invoice inv) {
        return new UsageReport(scope, party, "EUR", inv.from(), inv.to(), inv.lines(), inv.credits(), inv.chains(), inv.buyers(), inv.providers(),
                inv.offers(), inv.usage(), inv.credit(), inv.total());
    }
}
