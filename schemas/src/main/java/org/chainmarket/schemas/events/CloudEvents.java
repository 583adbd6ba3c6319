package org.chainmarket.schemas.events;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.chainmarket.schemas.model.CatalogueEntry;
import org.chainmarket.schemas.model.DomainAck;
import org.chainmarket.schemas.model.DomainCommand;
import org.chainmarket.schemas.model.DomainStateReport;
import org.chainmarket.schemas.model.InstanceAck;
import org.chainmarket.schemas.model.InstanceCommand;
import org.chainmarket.schemas.model.ProviderDomain;
import org.chainmarket.schemas.model.ProviderId;
import org.chainmarket.schemas.model.TelemetryBatch;
import org.chainmarket.schemas.model.VnfOffer;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * CloudEvents 1.0 in Kafka binary mode: the {@code ce_*} headers around a JSON body. {@link #encode} makes
 * a record; {@link #decode} checks headers, topic, schema, that the key is the body's id (a command's type its
 * operation, an acknowledgement's id its fixed form) and maps the body, so every consumer validates the same way.
 */
public final class CloudEvents {
    public static final String SPEC_VERSION = "1.0";
    public static final String ID = "ce_id";
    public static final String TYPE = "ce_type";
    public static final String SOURCE = "ce_source";
    public static final String SPECVERSION = "ce_specversion";
    public static final String TIME = "ce_time";
    public static final String CONTENT_TYPE = "content-type";

    private CloudEvents() {
    }

    /** An event ready to send: a new id, {@code source} as its origin. */
    public static ProducerRecord<String, byte[]> encode(EventType type, String key, Object payload, String source) {
        return encode(UUID.randomUUID().toString(), type, key, Json.bytes(payload), source);
    }

    /**
     * {@code record} addressed to {@code provider}'s topic of its family ({@link Topics#forProvider}): how commands
     * reach a provider and how a provider's acknowledgements, state reports, telemetry and advertisements leave it.
     */
    public static ProducerRecord<String, byte[]> toProvider(ProducerRecord<String, byte[]> record, ProviderId provider) {
        return new ProducerRecord<>(Topics.forProvider(record.topic(), provider), record.partition(), record.key(),
                record.value(), record.headers());
    }

    /** An event with a given id and an already serialized body (used by the outbox relay). */
    public static ProducerRecord<String, byte[]> encode(String id, EventType type, String key, byte[] body, String source) {
        Headers headers = new RecordHeaders();
        headers.add(ID, utf8(id));
        headers.add(TYPE, utf8(type.ceType()));
        headers.add(SOURCE, utf8(source));
        headers.add(SPECVERSION, utf8(SPEC_VERSION));
        headers.add(TIME, utf8(Instant.now().toString()));
        headers.add(CONTENT_TYPE, utf8("application/json"));
        return new ProducerRecord<>(type.topic(), null, key, body, headers);
    }

    /**
     * Validates {@code record} as an event of its topic. A tombstone (null value) on a compacted topic decodes to
     * an event with a null payload. Its id is the {@code ce_id} header it carries (the broker's outbox sends its
     * withdrawals with the id it recorded them under), else the record's position. So a withdrawal read again, at
     * another position or after the subject was advertised anew, is recognised as the one already applied.
     */
    public static Event decode(ConsumerRecord<String, byte[]> record) {
        List<FieldError> errors = new ArrayList<>();
        if (record.key() == null || record.key().isBlank()) {
            errors.add(new FieldError("key", "missing: records are keyed by aggregate id"));
        }
        if (record.value() == null) {
            if (!Topics.compacted(record.topic())) {
                errors.add(new FieldError("value", "null value (tombstone) on a topic that is not compacted"));
            } else if (record.key() != null) {
                tombstoneOrigin(record).ifPresent(errors::add);
            }
            if (!errors.isEmpty()) {
                throw new InvalidInputException("record", errors);
            }
            List<FieldError> noId = new ArrayList<>();
            String id = header(record, ID, noId);
            return new Event(id != null ? id : record.topic() + "/" + record.partition() + "/" + record.offset(), null, record.key(), null);
        }
        String id = header(record, ID, errors);
        String ceType = header(record, TYPE, errors);
        header(record, SOURCE, errors);
        String spec = header(record, SPECVERSION, errors);
        if (spec != null && !SPEC_VERSION.equals(spec)) {
            errors.add(new FieldError("header " + SPECVERSION, "must be 1.0 but was '" + spec + "'"));
        }
        EventType type = null;
        if (ceType != null) {
            type = EventType.byCeType(ceType).orElse(null);
            if (type == null) {
                errors.add(new FieldError("header " + TYPE, "unknown event type '" + ceType + "'"));
            } else if (!type.topic().equals(Topics.familyOf(record.topic()))) {
                errors.add(new FieldError("header " + TYPE, ceType + " does not travel on " + record.topic()));
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidInputException("record", errors);
        }
        Object payload = SchemaValidator.read(type.schema(), record.value(), type.payloadType());
        List<FieldError> recordErrors = new ArrayList<>(ContractRules.checkRecord(type, id, record.key(), payload));
        Topics.providerOf(record.topic()).ifPresent(owner -> providerIn(payload).filter(p -> !p.equals(owner)).ifPresent(p ->
                recordErrors.add(new FieldError("$.providerId", "'" + p + "' on " + record.topic()
                        + ": a provider's topic carries only its own records (its principal alone may write it)"))));
        if (!recordErrors.isEmpty()) {
            throw new InvalidInputException("record", recordErrors);
        }
        return new Event(id, type, record.key(), payload);
    }

    /** The provider a record of a per-provider family speaks for (its payload's {@code providerId}); empty for other payloads. */
    public static Optional<ProviderId> providerOf(Object payload) {
        ProviderId p = payload instanceof DomainCommand c ? c.providerId()
                : payload instanceof DomainAck a ? a.providerId()
                : payload instanceof DomainStateReport r ? r.providerId()
                : payload instanceof TelemetryBatch t ? t.providerId()
                : payload instanceof ProviderDomain d ? d.providerId()
                : payload instanceof VnfOffer o ? o.providerId()
                : payload instanceof CatalogueEntry e ? e.providerId()
                : payload instanceof InstanceCommand ic ? ic.providerId()
                : payload instanceof InstanceAck ia ? ia.providerId() : null;
        return Optional.ofNullable(p);
    }

    private static Optional<String> providerIn(Object payload) {
        return providerOf(payload).map(ProviderId::value);
    }

    /**
     * A tombstone on a provider's topic may withdraw only what is that provider's, where the key says whose it is: a
     * domain (keyed by provider id) and a catalogue entry ({@code providerId:vnfType}). An offer's key does not name its
     * provider: its consumers check the offer they hold against {@link Topics#providerOf} of the record's topic.
     */
    private static Optional<FieldError> tombstoneOrigin(ConsumerRecord<String, byte[]> record) {
        Optional<String> owner = Topics.providerOf(record.topic());
        if (owner.isEmpty()) {
            return Optional.empty();
        }
        String family = Topics.familyOf(record.topic());
        boolean own = family.equals(Topics.PROVIDER_DOMAINS) ? record.key().equals(owner.get())
                : !family.equals(Topics.CATALOGUE) || record.key().startsWith(owner.get() + ":");
        return own ? Optional.empty() : Optional.of(new FieldError("key", "'" + record.key() + "' on " + record.topic()
                + ": a provider's topic withdraws only its own " + (family.equals(Topics.CATALOGUE) ? "catalogue entries" : "domain")));
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name, List<FieldError> errors) {
        Header h = record.headers().lastHeader(name);
        if (h == null || h.value() == null || h.value().length == 0) {
            errors.add(new FieldError("header " + name, "missing"));
            return null;
        }
        return new String(h.value(), StandardCharsets.UTF_8);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A decoded, valid event; {@code type} and {@code payload} are null for a tombstone. */
    public record Event(String id, EventType type, String key, Object payload) {
        public boolean isTombstone() {
            return payload == null;
        }

        public <T> T payload(Class<T> cls) {
            return cls.cast(payload);
        }
    }
}
