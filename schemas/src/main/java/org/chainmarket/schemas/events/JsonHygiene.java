package org.chainmarket.schemas.events;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * What no contract may carry, whatever its schema says: numbers that are not finite once read as doubles
 * ({@code 1e309}) or too small to be represented normally ({@code 1e-320}), and text with control characters (a
 * trailing newline would slip through a schema pattern's {@code $}) or unpaired UTF-16 surrogates, in values and in
 * property names.
 */
final class JsonHygiene {
    private JsonHygiene() {
    }

    static List<FieldError> errors(JsonNode json) {
        List<FieldError> errors = new ArrayList<>();
        walk(json, "$", errors);
        return errors;
    }

    private static void walk(JsonNode node, String path, List<FieldError> errors) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                String child = path + "." + field.getKey();
                String bad = badText(field.getKey());
                if (bad != null) {
                    errors.add(new FieldError(path, "property name " + bad));
                } else {
                    walk(field.getValue(), child, errors);
                }
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(node.get(i), path + "[" + i + "]", errors);
            }
        } else if (node.isNumber()) {
            double d = node.doubleValue();
            if (!Double.isFinite(d)) {
                errors.add(new FieldError(path, "number is out of range (at most " + Double.MAX_VALUE + ")"));
            } else if (d != 0 && Math.abs(d) < Double.MIN_NORMAL) {
                errors.add(new FieldError(path, "number is too small to be represented (at least " + Double.MIN_NORMAL + " or 0)"));
            } else if (!node.isFloatingPointNumber() && !node.canConvertToLong()) {
                errors.add(new FieldError(path, "integer is out of range"));
            }
        } else if (node.isTextual()) {
            String bad = badText(node.textValue());
            if (bad != null) {
                errors.add(new FieldError(path, bad));
            }
        }
    }

    /** Why {@code s} is not acceptable text, or null. */
    private static String badText(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isISOControl(c)) {
                return String.format("contains the control character U+%04X at position %d", (int) c, i);
            }
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return String.format("contains an unpaired surrogate U+%04X at position %d", (int) c, i);
            }
        }
        return null;
    }
}
