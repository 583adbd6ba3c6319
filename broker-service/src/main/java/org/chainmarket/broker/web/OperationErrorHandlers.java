package org.chainmarket.broker.web;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;
import org.chainmarket.broker.chain.OperationConflictException;
import org.chainmarket.broker.chain.NotFoundException;

import java.util.List;
import java.util.Map;

/** Problem responses for operations on resources: 409 when the state forbids it, 404 for an unknown id. */
final class OperationErrorHandlers {
    private OperationErrorHandlers() {
    }

    @Produces
    @Singleton
    @Requires(classes = {OperationConflictException.class, ExceptionHandler.class})
    static class Conflict implements ExceptionHandler<OperationConflictException, HttpResponse<?>> {
        @Override
        public HttpResponse<?> handle(HttpRequest request, OperationConflictException e) {
            return Problems.of(HttpStatus.CONFLICT, "conflict", "Not possible now", e.getMessage(), List.of(), Map.of());
        }
    }

    @Produces
    @Singleton
    @Requires(classes = {NotFoundException.class, ExceptionHandler.class})
    static class NotFound implements ExceptionHandler<NotFoundException, HttpResponse<?>> {
        @Override
        public HttpResponse<?> handle(HttpRequest request, NotFoundException e) {
            return Problems.notFound(e.what(), e.id());
        }
    }
}
