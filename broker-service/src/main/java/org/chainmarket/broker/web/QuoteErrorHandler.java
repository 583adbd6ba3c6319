package org.chainmarket.broker.web;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;
import org.chainmarket.broker.quote.QuoteException;

import java.util.List;
import java.util.Map;

/** An order naming a quote that cannot be honoured: the problem says what changed (404, 409 or 422). */
@Produces
@Singleton
@Requires(classes = {QuoteException.class, ExceptionHandler.class})
class QuoteErrorHandler implements ExceptionHandler<QuoteException, HttpResponse<?>> {
    @Override
    public HttpResponse<?> handle(HttpRequest request, QuoteException e) {
        return Problems.of(HttpStatus.valueOf(e.status()), e.kind(), "The quote cannot be honoured", e.getMessage(), List.of(),
                Map.of());
    }
}
