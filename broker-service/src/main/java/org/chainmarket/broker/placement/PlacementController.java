package org.chainmarket.broker.placement;

import io.micronaut.context.annotation.Value;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.swagger.v3.oas.annotations.Operation;
import org.chainmarket.broker.web.Problems;
import org.chainmarket.schemas.events.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Placement plans and approvals for operators, in front of the placement service's own approval API (at
 * {@code chainmarket.placement.service-url}, which has no accounts of its own): {@code GET /api/v1/placement/plans}
 * answers the service's last plans and the decisions waiting for approval; {@code POST
 * /api/v1/placement/decisions/{id}/approve} approves one as the signed-in operator (logged), so the service sends its
 * commands. 503 when no placement service is configured or it does not answer.
 */
@Controller("/api/v1/placement")
@ExecuteOn(TaskExecutors.BLOCKING)
@Secured("OPERATOR")
public class PlacementController {
    private static final Logger LOG = LoggerFactory.getLogger(PlacementController.class);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String serviceUrl;

    PlacementController(@Value("${chainmarket.placement.service-url:}") String serviceUrl) {
        this.serviceUrl = serviceUrl.replaceAll("/$", "");
    }

    @Operation(summary = "The placement service's last plans (newest first) and the decisions waiting for approval")
    @Get("/plans")
    public HttpResponse<?> plans() {
        try {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("plans", Json.MAPPER.readTree(call("GET", "/api/v1/placement/plans").body()));
            body.put("awaiting", Json.MAPPER.readTree(call("GET", "/api/v1/placement/awaiting").body()));
            return HttpResponse.ok(Json.text(body)).contentType("application/json");
        } catch (IOException | IllegalStateException e) {
            return unavailable(e);
        }
    }

    @Operation(summary = "Approve a placement decision waiting for approval: the placement service sends its commands")
    @Post("/decisions/{id}/approve")
    public HttpResponse<?> approve(Authentication authentication, @PathVariable String id) {
        if (!id.matches("[A-Za-z0-9._:-]{1,200}")) {
            return Problems.of(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", "id is not a decision id",
                    List.of(new org.chainmarket.schemas.events.FieldError("id", "letters, digits, '.', '_', ':' and '-' only, 1-200")), Map.of());
        }
        try {
            java.net.http.HttpResponse<String> r = call("POST", "/api/v1/placement/decisions/" + id + "/approve");
            if (r.statusCode() == 404) {
                return Problems.of(HttpStatus.NOT_FOUND, "not-found", "placement decision not found",
                        "No placement decision '" + id + "' waits for approval.", List.of(), Map.of());
            }
            LOG.info("operator {} approved placement decision {}", authentication.getName(), id);
            return HttpResponse.accepted().body(Map.of("decisionId", id, "status", "APPROVED", "approvedBy", authentication.getName()));
        } catch (IOException | IllegalStateException e) {
            return unavailable(e);
        }
    }

    private java.net.http.HttpResponse<String> call(String method, String path) throws IOException {
        if (serviceUrl.isEmpty()) {
            throw new IllegalStateException("no placement service is configured (chainmarket.placement.service-url)");
        }
        try {
            return http.send(HttpRequest.newBuilder(URI.create(serviceUrl + path)).timeout(Duration.ofSeconds(10))
                    .method(method, HttpRequest.BodyPublishers.noBody()).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static HttpResponse<?> unavailable(Exception e) {
        return Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "placement-unavailable", "Placement service unavailable",
                "The placement service cannot be reached: " + e.getMessage(), List.of(), Map.of());
    }
}
