package org.chainmarket.broker.security;

import org.chainmarket.schemas.events.FieldError;

import java.util.List;

/** The caller is known but may not do this (403), naming the field that asks for what is not theirs. */
public class Forbidden extends RuntimeException {
    private final List<FieldError> errors;

    public Forbidden(String detail, List<FieldError> errors) {
        super(detail);
        this.errors = List.copyOf(errors);
    }

    public Forbidden(String detail) {
        this(detail, List.of());
    }

    public List<FieldError> errors() {
        return errors;
    }
}
