package org.chainmarket.broker.outbox;

import java.time.Instant;
import java.util.List;

/** Told, in the relay's transaction, which outbox rows Kafka has just acknowledged. */
public interface PublishListener {
    void published(List<OutboxEntity> rows, Instant at);
}
