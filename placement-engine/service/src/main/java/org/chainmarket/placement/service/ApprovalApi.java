package org.chainmarket.placement.service;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.chainmarket.schemas.events.Json;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.Map;

/**
 * The placement service's HTTP API for providers whose decisions wait for approval: {@code GET /api/v1/placement/plans}
 * lists the last plans, {@code GET /api/v1/placement/awaiting} the ids of the decisions waiting for approval,
 * {@code POST /api/v1/placement/decisions/{decisionId}/approve} approves one decision (202; 404
 * {@code application/problem+json} when no such decision waits).
 */
final class ApprovalApi implements AutoCloseable {
    private static final String DECISIONS = "/api/v1/placement/decisions/";
    private final HttpServer http;

    /** Serves {@code service}'s plans and approvals on {@code port} (0: any free port). */
    ApprovalApi(PlacementService service, int port) {
        try {
            http = HttpServer.create(new InetSocketAddress("0.0.0.0", port), 0);
        } catch (IOException e) {
            throw new IllegalStateException("cannot open the placement approval API on port " + port + ": " + e.getMessage(), e);
        }
        http.createContext("/api/v1/placement/plans", ex -> reply(ex, 200, Json.bytes(service.recentPlans())));
        http.createContext("/api/v1/placement/awaiting", ex -> reply(ex, 200, Json.bytes(service.awaitingApproval())));
        http.createContext(DECISIONS, ex -> {
            String path = ex.getRequestURI().getPath();
            if (!"POST".equals(ex.getRequestMethod()) || !path.endsWith("/approve")) {
                reply(ex, 405, problem("only POST " + DECISIONS + "{decisionId}/approve"));
                return;
            }
            String id = path.substring(DECISIONS.length(), path.length() - "/approve".length());
            if (service.approve(id)) {
                reply(ex, 202, Json.bytes(Map.of("decisionId", id, "status", "APPROVED")));
            } else {
                reply(ex, 404, problem("no decision '" + id + "' waits for approval (unknown, approved already, or superseded by a newer plan)"));
            }
        });
        http.start();
    }

    int port() {
        return http.getAddress().getPort();
    }

    @Override
    public void close() {
        http.stop(0);
    }

    private static byte[] problem(String detail) {
        return Json.bytes(Map.of("title", "Placement decision", "detail", detail));
    }

    private static void reply(HttpExchange ex, int status, byte[] body) throws IOException {
        ex.getResponseHeaders().add("Content-Type", status >= 400 ? "application/problem+json" : "application/json");
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }
}
