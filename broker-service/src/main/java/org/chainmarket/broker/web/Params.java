package org.chainmarket.broker.web;

import org.chainmarket.schemas.events.FieldError;
import org.chainmarket.schemas.events.InvalidInputException;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** Checks of path and query parameters and headers: a bad one is a 400 naming it. */
final class Params {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;

    private Params() {
    }

    static InvalidInputException invalid(String field, String message) {
        return new InvalidInputException(field, List.of(new FieldError(field, message)));
    }

    /** An id: 1-128 letters, digits, '.', '_', ':' or '-', starting with a letter or digit. */
    static String id(String name, String value) {
        if (value == null || !ID.matcher(value).matches()) {
            throw invalid(name, "must be 1-128 letters, digits, '.', '_', ':' or '-', starting with a letter or digit");
        }
        return value;
    }

    /** How many items a list may answer: 1 to {@value #MAX_LIMIT}, {@value #DEFAULT_LIMIT} when absent. */
    static int limit(String value) {
        if (value == null || value.isEmpty()) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(value);
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw invalid("limit", "must be an integer from 1 to " + MAX_LIMIT);
    }

    /** An optional filter that must be one of {@code type}'s constants (case-insensitive); null when absent. */
    static <E extends Enum<E>> E oneOf(String name, String value, Class<E> type) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw invalid(name, "must be one of " + Arrays.toString(type.getEnumConstants()));
        }
    }

    /** An optional id filter; null when absent. */
    static String optionalId(String name, String value) {
        return value == null || value.isEmpty() ? null : id(name, value);
    }
}
