package org.chainmarket.schemas.events;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;

import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends a record that cannot be processed to its topic's {@code .dlq} twin, with the reason in a header. The one
 * dead-letter path of every consumer: the shared {@code EventConsumer} and the broker's micronaut-kafka listeners.
 */
public final class DeadLetters {
    public static final String REASON = "dlq_reason";
    public static final String ORIGIN = "dlq_origin";

    private DeadLetters() {
    }

    /**
     * The first step of every consumer: decodes and validates {@code record} ({@link CloudEvents#decode}); a record
     * that breaks its contract is sent to the DLQ with the reason, and the answer is empty.
     *
     * @throws IllegalStateException when the record is invalid and the DLQ cannot be written (read it again later)
     */
    public static Optional<CloudEvents.Event> admit(Producer<String, byte[]> producer, ConsumerRecord<String, byte[]> record) {
        try {
            return Optional.of(CloudEvents.decode(record));
        } catch (InvalidInputException e) {
            send(producer, record, e.getMessage());
            return Optional.empty();
        }
    }

    /** Copies key, value and headers, adds the reason and the original position; waits for the broker's ack. */
    public static void send(Producer<String, byte[]> producer, ConsumerRecord<String, byte[]> record, String reason) {
        ProducerRecord<String, byte[]> dead = new ProducerRecord<>(Topics.dlq(record.topic()), record.key(), record.value());
        for (Header h : record.headers()) {
            dead.headers().add(h);
        }
        dead.headers().add(REASON, CloudEvents.utf8(reason));
        dead.headers().add(ORIGIN, CloudEvents.utf8(record.topic() + "/" + record.partition() + "/" + record.offset()));
        try {
            producer.send(dead).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while dead-lettering " + record.topic(), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot dead-letter a record of " + record.topic() + ": " + e.getMessage(), e);
        }
    }
}
