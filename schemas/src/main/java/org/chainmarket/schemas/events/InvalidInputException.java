package org.chainmarket.schemas.events;

import java.util.List;
import java.util.stream.Collectors;

/** Input that breaks its contract; fatal (retrying cannot help). Names every field at fault. */
public class InvalidInputException extends RuntimeException {
    private final List<FieldError> errors;

    public InvalidInputException(String what, List<FieldError> errors) {
        super(what + " is invalid: " + errors.stream().map(FieldError::toString).collect(Collectors.joining("; ")));
        this.errors = List.copyOf(errors);
    }

    public List<FieldError> errors() {
        return errors;
    }
}
