package org.chainmarket.adapters.runner;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.chainmarket.adapters.api.PlacementProvider;
import org.chainmarket.adapters.api.PlacementProviderService;
import org.chainmarket.schemas.events.CloudEvents;
import org.chainmarket.schemas.events.EventType;
import org.chainmarket.schemas.events.Topics;
import org.chainmarket.schemas.kafka.ConsumerSettings;
import org.chainmarket.schemas.kafka.EventConsumer;
import org.chainmarket.schemas.model.CatalogueEntry;
import org.chainmarket.schemas.model.InstanceAck;
import org.chainmarket.schemas.model.InstanceCommand;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.ProviderId;
import org.chainmarket.schemas.model.VnfOffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The placement half of one provider's adapter, on the provider's own topics ({@link Topics#forProvider}): publishes
 * the domain's catalogue on its {@link Topics#CATALOGUE} topic (key {@code providerId:vnfType}), reads its
 * {@link Topics#PLACEMENT_COMMANDS} topic in consumer group {@code adapter-<providerId>-placement} (validated by the
 * shared {@link EventConsumer}: an invalid record, or a command there for another provider, goes to the DLQ) and hands
 * each command to its {@link PlacementProvider} with the catalogue entry of the type (a type the catalogue lacks is
 * refused here). The provider's callback advertises or withdraws the offer on its {@link Topics#OFFERS} topic, waiting
 * for Kafka, and then the answer goes out as {@code InstanceCommandAcknowledged} on its {@link Topics#PLACEMENT_ACKS}
 * topic (key provider id).
 */
final class PlacementRunner implements PlacementProviderService, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PlacementRunner.class);

    private final PlacementProvider provider;
    private final ProviderId providerId;
    private final String source;
    private final KafkaProducer<String, byte[]> producer;
    private final EventConsumer commands;
    private final Map<String, CatalogueEntry> catalogue = new HashMap<>();
    private final AtomicLong handedOff = new AtomicLong();

    PlacementRunner(String bootstrapServers, ProviderId providerId, PlacementProvider provider, KafkaProducer<String, byte[]> producer,
                    Map<String, Object> clientOverrides) {
        this.provider = provider;
        this.providerId = providerId;
        this.source = "/providers/" + providerId;
        this.producer = producer;
        provider.catalogue().forEach(e -> catalogue.put(e.vnfType(), e));
        String group = "adapter-" + providerId + "-placement";
        Map<String, Object> overrides = new HashMap<>(clientOverrides);
        overrides.put(org.apache.kafka.clients.consumer.ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, group);
        this.commands = new EventConsumer(ConsumerSettings.group(group, bootstrapServers, group,
                        List.of(Topics.forProvider(Topics.PLACEMENT_COMMANDS, providerId)))
                .withClientOverrides(overrides), producer, () -> this::handle);
    }

    /** Publishes the catalogue (waiting for Kafka), activates the provider and starts reading its commands. */
    void start(java.time.Duration timeout) {
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        catalogue.values().forEach(e -> sent.add(producer.send(CloudEvents.toProvider(
                CloudEvents.encode(EventType.CATALOGUE_ENTRY_ADVERTISED, e.key(), e, source), providerId))));
        sent.forEach(f -> await(f, "advertise the catalogue"));
        provider.activatePlacement(this);
        commands.start(timeout);
        LOG.info("adapter {}: {} catalogue entries advertised, reading {}", providerId, catalogue.size(),
                Topics.forProvider(Topics.PLACEMENT_COMMANDS, providerId));
    }

    /** Placement commands for this provider handed to it so far. */
    long handedOff() {
        return handedOff.get();
    }

    boolean isRunning() {
        return commands.isRunning();
    }

    @Override
    public void close() {
        commands.close();
    }

    private void handle(CloudEvents.Event event, ConsumerRecord<String, byte[]> record) {
        InstanceCommand c = event.payload(InstanceCommand.class);
        handedOff.incrementAndGet();
        LOG.info("adapter {}: {} {} ({} at {}): {}", providerId, c.operation(), c.offerId(), c.vnfType(), c.siteId(), c.reason());
        try {
            switch (c.operation()) {
                case START -> Optional.ofNullable(catalogue.get(c.vnfType())).ifPresentOrElse(e -> provider.start(c, e),
                        () -> completed(new InstanceAck(c.commandId(), providerId, c.operation(), c.offerId(), false,
                                "provider " + providerId + " has no catalogue entry for " + c.vnfType(), Instant.now())));
                case DRAIN -> provider.drain(c);
                case STOP -> provider.stop(c);
            }
        } catch (RuntimeException e) {
            LOG.error("adapter {}: the domain refused placement command {}: {}", providerId, c.commandId(), e.toString());
            completed(new InstanceAck(c.commandId(), providerId, c.operation(), c.offerId(), false,
                    "adapter " + providerId + " could not hand the command to its domain: " + e.getMessage(), Instant.now()));
        }
    }

    @Override
    public void advertise(VnfOffer offer) {
        await(producer.send(CloudEvents.toProvider(CloudEvents.encode(EventType.OFFER_ADVERTISED, offer.offerId().value(), offer, source),
                        providerId)),
                "advertise offer " + offer.offerId());
        LOG.info("adapter {} advertised started instance {}", providerId, offer.offerId());
    }

    @Override
    public void withdraw(OfferId offerId) {
        await(producer.send(new ProducerRecord<>(Topics.forProvider(Topics.OFFERS, providerId), offerId.value(), null)),
                "withdraw offer " + offerId);
        LOG.info("adapter {} withdrew stopped instance {}", providerId, offerId);
    }

    @Override
    public void completed(InstanceAck ack) {
        producer.send(CloudEvents.toProvider(CloudEvents.encode("instance-ack:" + providerId + ":" + ack.commandId(),
                EventType.INSTANCE_COMMAND_ACKNOWLEDGED, providerId.value(), org.chainmarket.schemas.events.Json.bytes(ack), source),
                providerId), (m, e) -> {
                    if (e != null) {
                        LOG.error("adapter {}: cannot publish the answer to {}: {}", providerId, ack.commandId(), e.toString());
                    }
                });
        if (!ack.success()) {
            LOG.warn("adapter {}: {} of {} refused: {}", providerId, ack.operation(), ack.offerId(), ack.reason());
        }
    }

    private static void await(Future<RecordMetadata> f, String what) {
        try {
            f.get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while trying to " + what, e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot " + what + ": " + e, e);
        }
    }
}
