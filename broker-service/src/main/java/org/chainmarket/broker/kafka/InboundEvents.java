package org.chainmarket.broker.kafka;

import jakarta.inject.Singleton;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.chainmarket.schemas.events.CloudEvents;
import org.chainmarket.schemas.events.DeadLetters;
import org.chainmarket.schemas.events.InvalidInputException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;

/**
 * The first step of every listener: decode and validate a record; a record that breaks its contract goes to
 * the topic's DLQ with the reason, and the listener moves on.
 */
@Singleton
public class InboundEvents {
    private static final Logger LOG = LoggerFactory.getLogger(InboundEvents.class);
    private final Producer<String, byte[]> producer;

    public InboundEvents(EventProducer producer) {
        this.producer = producer.producer();
    }

    public Optional<CloudEvents.Event> decode(ConsumerRecord<String, byte[]> record) {
        try {
            return Optional.of(CloudEvents.decode(record));
        } catch (InvalidInputException e) {
            deadLetter(record, e.getMessage());
            return Optional.empty();
        }
    }

    /** Sends a record the broker cannot apply to the DLQ, with {@code reason}. */
    public void deadLetter(ConsumerRecord<String, byte[]> record, String reason) {
        LOG.warn("dead-lettering {}/{}/{}: {}", record.topic(), record.partition(), record.offset(), reason);
        DeadLetters.send(producer, record, reason);
    }
}
