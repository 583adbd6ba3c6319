package org.chainmarket.schemas.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The provider id, validated on creation. */
public record ProviderId(@JsonValue String value) implements Comparable<ProviderId> {
    public ProviderId {
        Ids.check("provider id", value);
    }

    @JsonCreator
    public static ProviderId of(String value) {
        return new ProviderId(value);
    }

    @Override
    public int compareTo(ProviderId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
