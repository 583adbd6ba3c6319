package org.chainmarket.broker.web;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;
import org.chainmarket.broker.security.Forbidden;

import java.util.Map;

/** A caller asking for what is not theirs: 403 naming the field at fault. */
@Produces
@Singleton
@Requires(classes = {Forbidden.class, ExceptionHandler.class})
public class ForbiddenHandler implements ExceptionHandler<Forbidden, HttpResponse<?>> {

    @Override
    public HttpResponse<?> handle(HttpRequest request, Forbidden e) {
        return Problems.of(HttpStatus.FORBIDDEN, "forbidden", "Forbidden", e.getMessage(), e.errors(), Map.of());
    }
}
