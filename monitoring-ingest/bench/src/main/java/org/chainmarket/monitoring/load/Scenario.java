package org.chainmarket.monitoring.load;

import org.chainmarket.schemas.model.OfferId;

import java.util.HashSet;
import java.util.Set;

/**
 * A telemetry scenario over {@code rounds} rounds of a {@link SyntheticFleet}: the fault (on provider 0) starts at
 * one third of the rounds and, except for a dead instance, ends at two thirds.
 */
public enum Scenario {
    /** Nothing happens: every instance and link at its base load. */
    STEADY,
    /** Switch 1 of provider 0 gets hot: the links at it run near saturation, with queueing delay and loss. */
    HOT_SWITCH,
    /** Instance 0 of provider 0 dies: it reports DOWN and its heartbeat stops, for good. */
    INSTANCE_DEATH,
    /** Site 0 of provider 0 fails: every instance there reports DOWN; it comes back at two thirds. */
    SITE_FAILURE,
    /** Instance 0 of provider 0 runs hot (load 0.95), then cools. */
    HOT_INSTANCE;

    /** The faults in effect at {@code round} of {@code rounds}. */
    public SyntheticFleet.Faults faults(SyntheticFleet fleet, int round, int rounds) {
        boolean started = round >= rounds / 3;
        boolean during = started && round < 2 * rounds / 3;
        Set<OfferId> hot = new HashSet<>();
        Set<OfferId> dead = new HashSet<>();
        Set<String> sites = new HashSet<>();
        Set<String> switches = new HashSet<>();
        switch (this) {
            case STEADY -> {
            }
            case HOT_SWITCH -> {
                if (during) {
                    switches.add(fleet.switchId(0, 1));
                }
            }
            case INSTANCE_DEATH -> {
                if (started) {
                    dead.add(fleet.instance(0, 0));
                }
            }
            case SITE_FAILURE -> {
                if (during) {
                    sites.add(fleet.site(0, 0));
                }
            }
            case HOT_INSTANCE -> {
                if (during) {
                    hot.add(fleet.instance(0, 0));
                }
            }
        }
        return new SyntheticFleet.Faults(hot, dead, sites, switches);
    }

    /** The command-line name: lower case with dashes. */
    public String cliName() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /** By command-line name ({@code hot-switch}) or constant name. */
    public static Scenario parse(String text) {
        for (Scenario s : values()) {
            if (s.cliName().equalsIgnoreCase(text) || s.name().equalsIgnoreCase(text)) {
                return s;
            }
        }
        throw new IllegalArgumentException("scenario must be one of steady, hot-switch, instance-death, site-failure, "
                + "hot-instance but was '" + text + "'");
    }
}
