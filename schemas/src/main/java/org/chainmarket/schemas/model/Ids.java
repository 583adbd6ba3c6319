package org.chainmarket.schemas.model;

import java.util.regex.Pattern;

/** Validation shared by the typed identifiers. */
final class Ids {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

    private Ids() {
    }

    static String check(String kind, String value) {
        if (value == null || !ID.matcher(value).matches()) {
            throw new IllegalArgumentException(kind + " must be 1-128 characters of letters, digits, '.', '_', ':' or '-' "
                    + "starting with a letter or digit, but was " + (value == null ? "null" : "'" + value + "'"));
        }
        return value;
    }
}
