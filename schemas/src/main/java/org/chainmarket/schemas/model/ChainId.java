package org.chainmarket.schemas.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The chain id, validated on creation. */
public record ChainId(@JsonValue String value) implements Comparable<ChainId> {
    public ChainId {
        Ids.check("chain id", value);
    }

    @JsonCreator
    public static ChainId of(String value) {
        return new ChainId(value);
    }

    @Override
    public int compareTo(ChainId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
