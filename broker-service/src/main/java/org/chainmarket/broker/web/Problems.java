package org.chainmarket.broker.web;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import org.chainmarket.schemas.events.FieldError;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** RFC 9457 {@code application/problem+json} responses, with a field-level {@code errors} list where fields are at fault. */
public final class Problems {
    public static final MediaType PROBLEM_JSON = MediaType.of("application/problem+json");
    private static final String TYPES = "https://chainmarket.org/problems/";

    private Problems() {
    }

    public static MutableHttpResponse<Map<String, Object>> of(HttpStatus status, String type, String title, String detail,
                                                       List<FieldError> errors, Map<String, Object> extra) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", TYPES + type);
        body.put("title", title);
        body.put("status", status.getCode());
        body.put("detail", detail);
        if (!errors.isEmpty()) {
            body.put("errors", errors);
        }
        body.putAll(extra);
        return HttpResponse.<Map<String, Object>>status(status).contentType(PROBLEM_JSON).body(body);
    }

    public static MutableHttpResponse<Map<String, Object>> notFound(String what, String id) {
        return of(HttpStatus.NOT_FOUND, "not-found", what + " not found", "There is no " + what + " with id '" + id + "'.",
                List.of(), Map.of());
    }
}
