package org.chainmarket.broker.web;

import com.fasterxml.jackson.databind.JsonNode;
import org.chainmarket.schemas.events.FieldError;
import org.chainmarket.schemas.events.InvalidInputException;
import org.chainmarket.schemas.events.Json;

import java.io.IOException;
import java.util.Iterator;
import java.util.List;

/** Small JSON bodies that have no contract in {@code schemas/} (credentials, accounts, acknowledgements). */
final class Bodies {
    private Bodies() {
    }

    /** The body as a JSON object; 400 when it is empty, malformed or not an object. */
    static JsonNode object(byte[] body) {
        JsonNode json;
        try {
            json = body == null || body.length == 0 ? null : Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw Params.invalid("$", "malformed JSON");
        }
        if (json == null || json.isMissingNode()) {
            throw Params.invalid("$", "empty body");
        }
        if (!json.isObject()) {
            throw Params.invalid("$", "must be a JSON object");
        }
        return json;
    }

    /** A required text field, or null with an error added. */
    static String text(JsonNode json, String field, List<FieldError> errors) {
        JsonNode v = json.get(field);
        if (v == null || v.isNull()) {
            errors.add(new FieldError("$." + field, "is required"));
            return null;
        }
        if (!v.isTextual()) {
            errors.add(new FieldError("$." + field, "must be a string"));
            return null;
        }
        return v.textValue();
    }

    /** An optional text field, or null (with an error added when it is not text). */
    static String optionalText(JsonNode json, String field, List<FieldError> errors) {
        JsonNode v = json.get(field);
        return v == null || v.isNull() ? null : text(json, field, errors);
    }

    /** Adds an error for every property not in {@code allowed}. */
    static void only(JsonNode json, List<String> allowed, List<FieldError> errors) {
        for (Iterator<String> it = json.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!allowed.contains(name)) {
                errors.add(new FieldError("$." + name, "is not a known property (known: " + String.join(", ", allowed) + ")"));
            }
        }
    }

    /** Throws the 400 when there are errors. */
    static void check(String what, List<FieldError> errors) {
        if (!errors.isEmpty()) {
            throw new InvalidInputException(what, errors);
        }
    }
}
