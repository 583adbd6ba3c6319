package org.chainmarket.broker.web;

import io.micronaut.configuration.metrics.micrometer.prometheus.management.PrometheusEndpoint;
import io.micronaut.management.endpoint.health.HealthEndpoint;
import io.micronaut.openapi.annotation.OpenAPIInclude;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.info.License;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.security.SecurityScheme;
import io.swagger.v3.oas.annotations.tags.Tag;

/**
 * The OpenAPI document's header: what the API is, its tags, and the bearer (JWT) scheme every {@code /api/v1} call
 * uses. micronaut-openapi builds the document from the controllers at compile time; the broker serves it at
 * {@code /swagger/chainmarket-broker-1.0.yml} and the Swagger UI at {@code /swagger-ui/}.
 */
@OpenAPIDefinition(
        info = @Info(title = "ChainMarket broker", version = "1.0",
                description = "Buy service chains of virtual network functions across providers' domains, advertise "
                        + "domains and offers, and review the broker's substitutions. Errors are application/problem+json "
                        + "(RFC 9457) with a field-level errors list.",
                license = @License(name = "Apache-2.0")),
        tags = {
                @Tag(name = "chains", description = "Buyers: order, look at and end service chains"),
                @Tag(name = "quotes", description = "Buyers: the price/latency trade-offs of an order before buying"),
                @Tag(name = "registry", description = "Providers: domains and VNF offers"),
                @Tag(name = "substitutions", description = "Operators: what the broker substituted, approve, roll back, acknowledge"),
                @Tag(name = "management", description = "Health (which of Kafka and PostgreSQL is down) and the Prometheus meters; no token needed")
        },
        security = @SecurityRequirement(name = ApiDocumentation.BEARER))
@OpenAPIInclude(classes = {HealthEndpoint.class, PrometheusEndpoint.class}, tags = @Tag(name = "management",
        description = "Health (which of Kafka and PostgreSQL is down) and the Prometheus meters; no token needed"))
@SecurityScheme(name = ApiDocumentation.BEARER, type = SecuritySchemeType.HTTP, scheme = "bearer", bearerFormat = "JWT",
        description = "A JWT from the marketplace's login, sent as 'Authorization: Bearer <token>'.")
public final class ApiDocumentation {
    /** Name of the bearer security scheme in the document. */
    public static final String BEARER = "bearer";
    /** Media type of every error answer. */
    public static final String PROBLEM = "application/problem+json";

    private ApiDocumentation() {
    }
}
