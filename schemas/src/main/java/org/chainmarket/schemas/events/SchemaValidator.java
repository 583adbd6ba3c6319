package org.chainmarket.schemas.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one validator of the contracts: checks JSON against the schema files under {@code schemas/} on the
 * classpath and maps it to its record. Thread-safe; schemas are loaded once.
 */
public final class SchemaValidator {
    static final String ID_PREFIX = "https://chainmarket.org/schemas/";
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
            b -> b.schemaMappers(m -> m.mapPrefix(ID_PREFIX, "classpath:schemas/")));
    private static final Map<String, JsonSchema> SCHEMAS = new ConcurrentHashMap<>();

    private SchemaValidator() {
    }

    /** Field errors of {@code json} against schema {@code name}; empty when valid. */
    public static List<FieldError> errors(String name, JsonNode json) {
        return schema(name).validate(json).stream()
                .sorted(Comparator.comparing(m -> m.getInstanceLocation().toString()))
                .map(SchemaValidator::toFieldError)
                .toList();
    }

    /** Parses, validates (schema, then the rules a schema cannot say) and maps {@code bytes}; throws {@link InvalidInputException} naming the fields at fault. */
    public static <T> T read(String name, byte[] bytes, Class<T> type) {
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(bytes);
        } catch (java.io.IOException e) {
            String msg = e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
            throw new InvalidInputException(name, List.of(new FieldError("$", "malformed JSON: " + msg)));
        }
        if (json == null || json.isMissingNode()) {
            throw new InvalidInputException(name, List.of(new FieldError("$", "empty body")));
        }
        List<FieldError> errors = errors(name, json);
        if (!errors.isEmpty()) {
            throw new InvalidInputException(name, errors);
        }
        T value;
        try {
            value = Json.MAPPER.treeToValue(json, type);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            String msg = e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
            throw new InvalidInputException(name, List.of(new FieldError("$", msg)));
        }
        List<FieldError> ruleErrors = ContractRules.check(value);
        if (!ruleErrors.isEmpty()) {
            throw new InvalidInputException(name, ruleErrors);
        }
        return value;
    }

    private static JsonSchema schema(String name) {
        return SCHEMAS.computeIfAbsent(name, n -> FACTORY.getSchema(SchemaLocation.of(ID_PREFIX + n + ".schema.json")));
    }

    private static FieldError toFieldError(ValidationMessage m) {
        String location = m.getInstanceLocation().toString();
        String property = m.getProperty();
        if (property != null && ("required".equals(m.getType()) || "additionalProperties".equals(m.getType()))) {
            location = location + "." + property;
        }
        String message = m.getMessage();
        int colon = message.indexOf(": ");
        if (message.startsWith("$") && colon > 0) {
            message = message.substring(colon + 2);
        }
        return new FieldError(location, message);
    }
}
