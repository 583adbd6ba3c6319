package org.chainmarket.broker.web;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;
import org.chainmarket.schemas.events.InvalidInputException;

import java.util.Map;

/** A body, parameter or header that breaks its contract: 400 naming every field at fault. */
@Produces
@Singleton
@Requires(classes = {InvalidInputException.class, ExceptionHandler.class})
public class InvalidInputHandler implements ExceptionHandler<InvalidInputException, HttpResponse<?>> {

    @Override
    public HttpResponse<?> handle(HttpRequest request, InvalidInputException e) {
        return Problems.of(HttpStatus.BAD_REQUEST, "invalid-input", "Invalid request",
                e.errors().size() + " field(s) are invalid.", e.errors(), Map.of());
    }
}
