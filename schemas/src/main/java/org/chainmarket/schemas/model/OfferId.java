package org.chainmarket.schemas.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The offer id, validated on creation. */
public record OfferId(@JsonValue String value) implements Comparable<OfferId> {
    public OfferId {
        Ids.check("offer id", value);
    }

    @JsonCreator
    public static OfferId of(String value) {
        return new OfferId(value);
    }

    @Override
    public int compareTo(OfferId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
