package org.chainmarket.broker.web;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;
import org.chainmarket.schemas.events.FieldError;

import java.util.List;
import java.util.Map;

/** A refusal with its status and the fields at fault, answered as a problem. */
class ProblemException extends RuntimeException {
    final HttpStatus status;
    final List<FieldError> errors;

    ProblemException(HttpStatus status, String detail, List<FieldError> errors) {
        super(detail);
        this.status = status;
        this.errors = List.copyOf(errors);
    }

    @Produces
    @Singleton
    @Requires(classes = ExceptionHandler.class)
    static class Handler implements ExceptionHandler<ProblemException, HttpResponse<?>> {
        @Override
        public HttpResponse<?> handle(HttpRequest request, ProblemException e) {
            return Problems.of(e.status, ProblemResponses.slug(e.status), e.status.getReason(), e.getMessage(), e.errors, Map.of());
        }
    }
}
