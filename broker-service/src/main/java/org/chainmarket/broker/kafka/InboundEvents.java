package org.chainmarket.broker.kafka;

import jakarta.inject.Singleton;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.chainmarket.schemas.events.CloudEvents;
import org.chainmarket.schemas.events.DeadLetters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;

/**
 * The first step of every micronaut-kafka listener: {@link DeadLetters#admit}, the same validation and dead-letter
 * path as the shared {@code org.chainmarket.schemas.kafka.EventConsumer}. A record that breaks its contract (headers,
 * schema, key = body id) goes to the topic's DLQ with the reason, and the listener moves on; when the DLQ cannot be
 * written the exception reaches the listener's error strategy, which reads the record again.
 */
@Singleton
public class InboundEvents {
    private static final Logger LOG = LoggerFactory.getLogger(InboundEvents.class);
    private final Producer<String, byte[]> producer;

    public InboundEvents(EventProducer producer) {
        this.producer = producer.producer();
    }

    public Optional<CloudEvents.Event> decode(ConsumerRecord<String, byte[]> record) {
        return DeadLetters.admit(producer, record);
    }

    /** Sends a record the broker cannot apply to the DLQ, with {@code reason}. */
    public void deadLetter(ConsumerRecord<String, byte[]> record, String reason) {
        LOG.warn("dead-lettering {}/{}/{}: {}", record.topic(), record.partition(), record.offset(), reason);
        DeadLetters.send(producer, record, reason);
    }
}
