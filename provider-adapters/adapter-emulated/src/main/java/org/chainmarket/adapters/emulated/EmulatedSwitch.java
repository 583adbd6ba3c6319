package org.chainmarket.adapters.emulated;

import org.chainmarket.schemas.model.DomainAck.FlowEntry;

import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** One emulated switch: a flow table matching on (chain tag, stage, in_port). Thread-safe. */
final class EmulatedSwitch {
    private static final Comparator<FlowEntry> ORDER = Comparator.comparing(FlowEntry::chainTag)
            .thenComparing(FlowEntry::stage)
            .thenComparing(FlowEntry::priority, Comparator.reverseOrder())
            .thenComparing(FlowEntry::inPort);

    private final String switchId;
    private final ConcurrentMap<Match, FlowEntry> table = new ConcurrentHashMap<>();

    EmulatedSwitch(String switchId) {
        this.switchId = switchId;
    }

    /** Adds {@code entry}, or replaces the entry with the same match (an OpenFlow add that overwrites). */
    void install(FlowEntry entry) {
        table.put(Match.of(entry), entry);
    }

    void remove(FlowEntry entry) {
        table.remove(Match.of(entry));
    }

    FlowEntry lookup(String chainTag, int stage, String inPort) {
        return table.get(new Match(chainTag, stage, inPort));
    }

    /** A snapshot of the table, by chain tag, then stage, then priority (highest first), then in_port. */
    List<FlowEntry> flowTable() {
        return table.values().stream().sorted(ORDER).toList();
    }

    String switchId() {
        return switchId;
    }

    /** What an entry matches on. */
    record Match(String chainTag, int stage, String inPort) {
        static Match of(FlowEntry e) {
            return new Match(e.chainTag(), e.stage(), e.inPort());
        }
    }
}
