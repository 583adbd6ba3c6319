package org.chainmarket.deploy.experiments;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.chainmarket.schemas.events.CloudEvents;
import org.chainmarket.schemas.events.Topics;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where an order's time goes between POST and ACTIVE, per order, from what the benchmark sees: when it sent the POST and
 * got the 201, the chain's own times (stored, activated), and for every record on the path (the domains' set-up commands,
 * their acknowledgements, {@code ChainActivated}) when it was sent (its {@code ce_time}, stamped just before the send) and
 * when the benchmark's reader read it. Everything runs in one JVM, so the clocks are the same.
 */
final class SetupStages {
    /** Wall-clock microseconds now, with nanoTime's resolution. */
    private static final long BASE_MICROS = Instant.now().toEpochMilli() * 1000;
    private static final long BASE_NANOS = System.nanoTime();

    /** Per chain: the last command and acknowledgement sent and read, and ChainActivated sent and read (µs). */
    private static final class Seen {
        long commandSent;
        long commandRead;
        long ackSent;
        long ackRead;
        long activatedSent;
        long activatedRead;
    }

    private final Map<String, Seen> seen = new ConcurrentHashMap<>();
    private final Map<String, List<Long>> spans = new LinkedHashMap<>();

    static long nowMicros() {
        return BASE_MICROS + (System.nanoTime() - BASE_NANOS) / 1000;
    }

    static long micros(Instant i) {
        return i.getEpochSecond() * 1_000_000 + i.getNano() / 1000;
    }

    /** A record read by the benchmark's reader (called on its thread, as it reads). */
    void read(ConsumerRecord<String, byte[]> r, String typeName) {
        if (r.key() == null) {
            return;
        }
        long at = nowMicros();
        String family = Topics.familyOf(r.topic());
        boolean command = family.equals(Topics.DOMAIN_COMMANDS) && typeName.equals("PathSetupRequested");
        boolean ack = family.equals(Topics.DOMAIN_ACKS);
        boolean activated = typeName.equals("ChainActivated");
        if (!command && !ack && !activated) {
            return;
        }
        Header time = r.headers().lastHeader(CloudEvents.TIME);
        long sent = time == null ? 0 : micros(Instant.parse(new String(time.value(), StandardCharsets.UTF_8)));
        Seen s = seen.computeIfAbsent(r.key(), k -> new Seen());
        synchronized (s) {
            if (command) {
                s.commandSent = Math.max(s.commandSent, sent);
                s.commandRead = Math.max(s.commandRead, at);
            } else if (ack) {
                s.ackSent = Math.max(s.ackSent, sent);
                s.ackRead = Math.max(s.ackRead, at);
            } else {
                s.activatedSent = sent;
                s.activatedRead = at;
            }
        }
    }

    /** One measured order: when it was posted and answered, and the chain's stored and activated times (all µs). */
    void order(String chainId, long posted, long answered, Instant stored, Instant activated) {
        Seen s = seen.remove(chainId);
        if (s == null) {
            return;
        }
        synchronized (s) {
            long st = micros(stored);
            long ac = micros(activated);
            add("POST -> stored (HTTP, checks, selection)", st - posted);
            add("stored -> 201 read (order tx, answer)", answered - st);
            add("stored -> last command sent (tx, relay)", s.commandSent - st);
            add("command sent -> read (Kafka)", s.commandRead - s.commandSent);
            add("command read -> last ack sent (domain)", s.ackSent - s.commandRead);
            add("ack sent -> read (Kafka)", s.ackRead - s.ackSent);
            add("last ack read -> activated (broker reads, locks)", ac - s.ackRead);
            add("activated -> ChainActivated sent (tx, relay)", s.activatedSent - ac);
            add("ChainActivated sent -> read (Kafka)", s.activatedRead - s.activatedSent);
        }
    }

    private void add(String stage, long micros) {
        spans.computeIfAbsent(stage, k -> new ArrayList<>()).add(micros * 1000);
    }

    /** Rows of stage, p50 and mean (ms), in path order; then forgets them. */
    List<String[]> rows(int hops) {
        List<String[]> out = new ArrayList<>();
        spans.forEach((stage, ns) -> {
            LatencySummary s = new LatencySummary(ns.stream().mapToLong(Long::longValue).toArray());
            out.add(new String[]{String.valueOf(hops), stage, LatencySummary.ms(s.percentile(50)), s.cells()[4]});
        });
        spans.clear();
        seen.clear();
        return out;
    }
}
