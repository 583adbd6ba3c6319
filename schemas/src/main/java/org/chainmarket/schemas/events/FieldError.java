package org.chainmarket.schemas.events;

/** One problem with one field of an input, {@code field} as a JSON path such as {@code $.vnfTypes[1]}. */
public record FieldError(String field, String message) {
    @Override
    public String toString() {
        return field + ": " + message;
    }
}
