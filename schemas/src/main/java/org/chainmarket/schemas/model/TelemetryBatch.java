package org.chainmarket.schemas.model;

import java.time.Instant;
import java.util.List;

/**
 * One provider's operational data for one moment (paper 003, Table 1): a sample per VNF instance and per link.
 * Many samples travel in one event so that validating the event is paid once per batch, not per sample.
 */
public record TelemetryBatch(ProviderId providerId, Instant at, List<VnfSample> vnfSamples, List<LinkSample> linkSamples) {
    public TelemetryBatch {
        vnfSamples = vnfSamples == null ? List.of() : List.copyOf(vnfSamples);
        linkSamples = linkSamples == null ? List.of() : List.copyOf(linkSamples);
    }

    /** How many samples the batch carries. */
    public int size() {
        return vnfSamples.size() + linkSamples.size();
    }

    /**
     * One VNF instance (offer) at one moment: status, CPU and memory use (fractions), traffic at its interfaces,
     * processing delay, and its heartbeat counter, which goes up by one per heartbeat of a live instance.
     */
    public record VnfSample(OfferId offerId, Instant at, InstanceStatus status, double cpu, double memory,
                            double throughputInMbps, double throughputOutMbps, double processingDelayMs,
                            long heartbeatSeq) {
    }

    /** One link between two switches at one moment: delay, utilization and loss (fractions). */
    public record LinkSample(String from, String to, Instant at, double delayMs, double utilization, double loss) {
        /** The link's direction-free key, {@link LinkContext#key}. */
        public String key() {
            return LinkContext.key(from, to);
        }
    }
}
