package org.chainmarket.broker;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Quotes over the real embedded Kafka and PostgreSQL: a quoted point ordered is the chain quoted; a stale one is refused. */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QuoteTest implements TestPropertyProvider {
    @Inject
    @Client("/")
    HttpClient http;

    @Override
    public Map<String, String> getProperties() {
        return Callers.properties();
    }

    HttpResponse<Map> post(String path, String body) {
        return TwoDomains.exchange(http, HttpRequest.POST(path, body).contentType(MediaType.APPLICATION_JSON));
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> hops(Map<?, ?> pointOrChain) {
        return (List<Map<String, Object>>) pointOrChain.get("hops");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theQuotedBestPointOrderedGetsTheSameHopsAndPrice() {
        TwoDomains.register(http, "q1", 10_000, 3, 1000);
        String order = TwoDomains.order("q1", 50);
        HttpResponse<Map> quote = post("/api/v1/quotes", order);
        assertThat(quote.code()).isEqualTo(201);
        Map<String, Object> q = quote.body();
        List<Map<String, Object>> points = (List<Map<String, Object>>) q.get("points");
        assertThat(points).isNotEmpty();
        Map<String, Object> best = points.get((Integer) q.get("recommended"));
        assertThat((String) best.get("why")).contains("recommended");
        assertThat(hops(best)).extracting(h -> h.get("offerId")).containsExactly("q1-fw-0", "q1-dpi-0");
        assertThat((List<String>) best.get("providers")).containsExactly("q1-west", "q1-east");
        // nothing was reserved by the quote
        Map<?, ?> offer = TwoDomains.exchange(http, HttpRequest.GET("/api/v1/offers/q1-fw-0")).body();
        assertThat(((Number) offer.get("reservedMbps")).doubleValue()).isZero();

        HttpResponse<Map> chain = post("/api/v1/chains?quote=" + q.get("quoteId") + "&point=" + q.get("recommended"), order);
        assertThat(chain.code()).isEqualTo(201);
        assertThat(hops(chain.body())).extracting(h -> h.get("offerId")).containsExactlyElementsOf(hops(best).stream().map(h -> h.get("offerId")).toList());
        assertThat(((Number) chain.body().get("pricePerHour")).doubleValue()).isEqualTo(((Number) best.get("pricePerHour")).doubleValue());
        assertThat(((Number) chain.body().get("predictedLatencyMs")).doubleValue()).isEqualTo(((Number) best.get("predictedLatencyMs")).doubleValue());
        assertThat(chain.body().get("state")).isEqualTo("SETTING_UP");
    }

    @Test
    void aStaleQuoteIsRefusedWithWhatChanged() {
        TwoDomains.register(http, "q2", 10_000, 1, 100);
        String order = TwoDomains.order("q2", 60);
        Map<?, ?> q = post("/api/v1/quotes", order).body();
        // another buyer takes the only firewall's capacity in the meantime
        assertThat(post("/api/v1/chains", order).code()).isEqualTo(201);

        HttpResponse<Map> refused = post("/api/v1/chains?quote=" + q.get("quoteId") + "&point=0", order);
        assertThat(refused.code()).isEqualTo(409);
        assertThat(refused.getContentType().map(Object::toString)).contains("application/problem+json");
        assertThat((String) refused.body().get("detail")).contains("can no longer be honoured").contains("q2-fw-0");
    }

    @Test
    void aQuoteIsOnlyForTheOrderItQuotedAndAnInfeasibleOneNamesTheConstraint() {
        TwoDomains.register(http, "q3", 10_000, 1, 1000);
        Map<?, ?> q = post("/api/v1/quotes", TwoDomains.order("q3", 10)).body();
        HttpResponse<Map> other = post("/api/v1/chains?quote=" + q.get("quoteId"), TwoDomains.order("q3", 20));
        assertThat(other.code()).isEqualTo(422);
        assertThat((String) other.body().get("detail")).contains("not the one quoted");

        HttpResponse<Map> tooMuch = post("/api/v1/quotes", TwoDomains.order("q3", 5000));
        assertThat(tooMuch.code()).isEqualTo(422);
        assertThat(tooMuch.body().get("constraint")).isEqualTo("OFFER_CAPACITY");
        assertThat(tooMuch.body().get("hopIndex")).isEqualTo(0);
    }
}
