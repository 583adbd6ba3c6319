package org.chainmarket.broker.web;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.Map;

/** A path parameter or value that is not well-formed (for example an id with forbidden characters): 400. */
@Produces
@Singleton
@Requires(classes = {IllegalArgumentException.class, ExceptionHandler.class})
public class IllegalArgumentHandler implements ExceptionHandler<IllegalArgumentException, HttpResponse<?>> {

    @Override
    public HttpResponse<?> handle(HttpRequest request, IllegalArgumentException e) {
        return Problems.of(HttpStatus.BAD_REQUEST, "invalid-input", "Invalid request", e.getMessage(), List.of(), Map.of());
    }
}
