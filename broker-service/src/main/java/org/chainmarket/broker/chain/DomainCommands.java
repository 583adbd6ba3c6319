package org.chainmarket.broker.chain;

import com.fasterxml.jackson.core.type.TypeReference;
import org.chainmarket.schemas.events.Json;
import org.chainmarket.schemas.model.ChainId;
import org.chainmarket.schemas.model.ConcreteChain;
import org.chainmarket.schemas.model.DomainAck;
import org.chainmarket.schemas.model.DomainCommand;
import org.chainmarket.schemas.model.DomainSegment;
import org.chainmarket.schemas.model.ProviderId;

import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/** How a chain's path becomes commands to the domains it crosses: one per provider, with that provider's segments. */
final class DomainCommands {
    private static final TypeReference<List<DomainSegment>> SEGMENTS = new TypeReference<>() { };
    private static final TypeReference<List<DomainAck.FlowEntry>> FLOWS = new TypeReference<>() { };

    private DomainCommands() {
    }

    /** The path's segments grouped by the provider that installs them, in path order. */
    static Map<ProviderId, List<DomainSegment>> segmentsByProvider(ConcreteChain chain) {
        return chain.segments().stream()
                .collect(Collectors.groupingBy(DomainSegment::providerId, LinkedHashMap::new, Collectors.toList()));
    }

    /** A new command to one domain; a tear-down carries no segments. */
    static DomainCommand command(String chainId, String providerId, DomainCommand.Operation op, double mbps,
                                 List<DomainSegment> segments, Instant deadline) {
        return new DomainCommand(UUID.randomUUID().toString(), ChainId.of(chainId), ProviderId.of(providerId), op, mbps,
                op == DomainCommand.Operation.SETUP ? segments : List.of(), deadline);
    }

    static String text(List<?> list) {
        return Json.text(list);
    }

    static List<DomainSegment> segments(String json) {
        return read(json, SEGMENTS);
    }

    static List<DomainAck.FlowEntry> flows(String json) {
        return read(json, FLOWS);
    }

    private static <T> T read(String json, TypeReference<T> type) {
        try {
            return Json.MAPPER.readValue(json, type);
        } catch (IOException e) {
            throw new IllegalStateException("stored JSON is unreadable: " + e.getMessage(), e);
        }
    }
}
