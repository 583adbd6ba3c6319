package org.chainmarket.schemas.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
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
        List<FieldError> errors = JsonHygiene.errors(json);
        if (errors.isEmpty()) {
            errors = errors(name, json);
        }
        if (!errors.isEmpty()) {
            throw new InvalidInputException(name, errors);
        }
        T value;
        try {
            value = Json.MAPPER.treeToValue(json, type);
        } catch (JsonMappingException e) {
            throw new InvalidInputException(name, List.of(new FieldError(path(e), "is not a valid "
                    + (e.getPath().isEmpty() ? "value" : "value for this field") + typeHint(e))));
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

    /** The JSON path of the field a mapping failed on, such as {@code $.validFrom} or {@code $.sites[0].cpuCores}. */
    private static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder("$");
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                path.append('.').append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                path.append('[').append(r.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    /** What the field should have been, in contract terms (never a Java class name). */
    private static String typeHint(JsonMappingException e) {
        Class<?> target = e instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException m ? m.getTargetType() : null;
        if (target == java.time.Instant.class) {
            return " (an RFC 3339 date-time such as 2026-01-01T00:00:00Z)";
        }
        if (target != null && target.isEnum()) {
            return " (one of " + java.util.Arrays.toString(target.getEnumConstants()) + ")";
        }
        return "";
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
