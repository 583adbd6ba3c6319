package org.chainmarket.broker.web;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import io.micronaut.web.router.Router;
import io.micronaut.web.router.UriRouteInfo;
import jakarta.inject.Inject;
import org.chainmarket.broker.Infra;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.yaml.snakeyaml.Yaml;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** The OpenAPI document is served without a token, documents every route the broker exposes, and has a Swagger UI. */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiDocumentTest implements TestPropertyProvider {
    static final String DOCUMENT = "/swagger/chainmarket-broker-1.0.yml";

    @Inject
    @Client("/")
    HttpClient http;

    @Inject
    Router router;

    @Override
    public Map<String, String> getProperties() {
        return Infra.brokerProperties();
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> document() {
        HttpResponse<String> response = http.toBlocking().exchange(HttpRequest.GET(DOCUMENT), String.class);
        assertThat(response.code()).isEqualTo(200);
        return new Yaml().load(response.body());
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyRouteTheBrokerExposesIsInTheDocument() {
        Map<String, Map<String, Object>> paths = (Map<String, Map<String, Object>>) document().get("paths");
        Set<String> documented = new TreeSet<>();
        paths.forEach((path, operations) -> operations.keySet().forEach(m -> documented.add(m.toUpperCase(Locale.ROOT) + " " + path)));

        Set<String> routes = new TreeSet<>();
        // HEAD is answered for every GET by Micronaut itself; it is not a route of its own in the document
        router.uriRoutes().map(UriRouteInfo.class::cast).filter(r -> !"HEAD".equals(r.getHttpMethodName()))
                .forEach(r -> routes.add(r.getHttpMethodName() + " " + template(r)));

        assertThat(routes).contains("POST /api/v1/chains", "GET /api/v1/chains/{id}", "GET /health", "GET /prometheus");
        assertThat(routes).noneMatch(r -> r.contains("/beans") || r.contains("/threaddump") || r.contains("/env"));
        assertThat(documented).containsAll(routes);
    }

    /** The route's URI without its query part ({@code /api/v1/chains{?state,limit}} is {@code /api/v1/chains}). */
    static String template(UriRouteInfo<?, ?> route) {
        String t = route.getUriMatchTemplate().toPathString();
        int q = t.indexOf("{?");
        return q < 0 ? t : t.substring(0, q);
    }

    @Test
    @SuppressWarnings("unchecked")
    void documentCarriesShapesProblemsAndTheBearerScheme() {
        Map<String, Object> doc = document();
        Map<String, Object> components = (Map<String, Object>) doc.get("components");
        Map<String, Object> schemas = (Map<String, Object>) components.get("schemas");
        assertThat(schemas).containsKeys("ChainOrder", "ChainView", "Problem", "Substitution", "VnfOffer", "ProviderDomain");
        Map<String, Object> bearer = (Map<String, Object>) ((Map<String, Object>) components.get("securitySchemes")).get("bearer");
        assertThat(bearer).containsEntry("type", "http").containsEntry("scheme", "bearer").containsEntry("bearerFormat", "JWT");
        assertThat((List<Map<String, Object>>) doc.get("security")).contains(Map.of("bearer", List.of()));

        Map<String, Object> order = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) doc.get("paths"))
                .get("/api/v1/chains")).get("post");
        Map<String, Object> responses = (Map<String, Object>) order.get("responses");
        assertThat(responses).containsKeys("201", "400", "422");
        Map<String, Object> rejected = (Map<String, Object>) ((Map<String, Object>) responses.get("422")).get("content");
        assertThat(rejected).containsKey("application/problem+json");
        assertThat(rejected.toString()).contains("#/components/schemas/Problem");
        assertThat(order.get("requestBody").toString()).contains("#/components/schemas/ChainOrder");
    }

    @Test
    void swaggerUiIsServedAndPointsAtTheDocument() {
        String page = http.toBlocking().retrieve(HttpRequest.GET("/swagger-ui/index.html"));
        assertThat(page).contains("swagger-ui-bundle.js").contains(DOCUMENT);
        assertThat(http.toBlocking().exchange(HttpRequest.GET("/swagger-ui/res/swagger-ui-bundle.js"), byte[].class).code()).isEqualTo(200);
    }
}
