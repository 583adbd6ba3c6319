package org.chainmarket.broker;

import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.exceptions.HttpClientResponseException;

import java.util.Map;

/** Requests sent as a named account rather than the one {@link TwoDomains#exchange} picks. */
final class TwoDomainsAs {
    private TwoDomainsAs() {
    }

    static HttpResponse<Map> patch(HttpClient http, String account, String chainId, String body) {
        return send(http, HttpRequest.PATCH("/api/v1/chains/" + chainId, body).contentType(MediaType.APPLICATION_JSON)
                .bearerAuth(TwoDomains.token(http, account)));
    }

    static Map<?, ?> get(HttpClient http, String account, String path) {
        return send(http, HttpRequest.GET(path).bearerAuth(TwoDomains.token(http, account))).body();
    }

    private static HttpResponse<Map> send(HttpClient http, HttpRequest<?> request) {
        try {
            return http.toBlocking().exchange(request, Argument.of(Map.class), Argument.of(Map.class));
        } catch (HttpClientResponseException e) {
            @SuppressWarnings("unchecked")
            HttpResponse<Map> r = (HttpResponse<Map>) e.getResponse();
            return r;
        }
    }
}
