package org.chainmarket.broker.web;

import io.micronaut.context.annotation.Primary;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.response.Error;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import jakarta.inject.Singleton;
import org.chainmarket.schemas.events.FieldError;

import java.util.List;
import java.util.Map;

/**
 * Every error the framework answers by itself (unknown route 404, 405, 413, 415, unauthenticated 401, forbidden
 * 403, unreadable parameters 400, and 500) is an RFC 9457 problem too, never the framework's own JSON or HTML.
 * A server error says nothing of its cause (it is logged).
 */
@Singleton
@Primary
public class ProblemResponses implements ErrorResponseProcessor<Map<String, Object>> {
    /** What a server error says (nothing of its cause, which is logged). */
    static final String SERVER_ERROR = "The marketplace could not answer this request; it was logged.";

    @Override
    public MutableHttpResponse<Map<String, Object>> processResponse(ErrorContext context, MutableHttpResponse<?> response) {
        HttpStatus status = response.status();
        List<FieldError> errors = context.getErrors().stream().filter(e -> e.getPath().isPresent())
                .map(e -> new FieldError(e.getPath().get(), e.getMessage())).toList();
        String detail = switch (status) {
            case UNAUTHORIZED -> "Send 'Authorization: Bearer <token>' with a token from POST /api/v1/tokens.";
            case FORBIDDEN -> "Your account's role may not do this.";
            case NOT_FOUND -> "There is nothing at " + context.getRequest().getPath() + ".";
            case METHOD_NOT_ALLOWED -> context.getRequest().getMethodName() + " is not allowed on " + context.getRequest().getPath() + ".";
            case UNSUPPORTED_MEDIA_TYPE -> "Send the body as application/json.";
            case REQUEST_ENTITY_TOO_LARGE -> "The body is too large.";
            default -> status.getCode() >= 500 ? SERVER_ERROR
                    : context.getErrors().stream().map(Error::getMessage).findFirst().orElse(status.getReason());
        };
        if (status == HttpStatus.UNAUTHORIZED && response.getHeaders().get("WWW-Authenticate") == null) {
            response.header("WWW-Authenticate", "Bearer realm=\"chainmarket\"");
        }
        MutableHttpResponse<Map<String, Object>> problem = Problems.of(status, slug(status), status.getReason(), detail, errors, Map.of());
        response.getHeaders().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("Content-Type") && !name.equalsIgnoreCase("Content-Length")) {
                values.forEach(v -> problem.header(name, v));
            }
        });
        return problem;
    }

    static String slug(HttpStatus status) {
        return switch (status) {
            case BAD_REQUEST -> "invalid-input";
            case UNAUTHORIZED -> "unauthenticated";
            case FORBIDDEN -> "forbidden";
            case NOT_FOUND -> "not-found";
            case METHOD_NOT_ALLOWED -> "method-not-allowed";
            case CONFLICT -> "conflict";
            case REQUEST_ENTITY_TOO_LARGE -> "too-large";
            case UNSUPPORTED_MEDIA_TYPE -> "unsupported-media-type";
            default -> status.getCode() >= 500 ? "server-error" : "http-" + status.getCode();
        };
    }
}
