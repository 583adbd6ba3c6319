package org.chainmarket.adapters.lab;

import org.chainmarket.adapters.api.PathProvider;
import org.chainmarket.adapters.openflow.OpenFlowDomain;
import org.chainmarket.adapters.srv6.Srv6Domain;
import org.chainmarket.schemas.model.ChainId;
import org.chainmarket.schemas.model.DomainAck;
import org.chainmarket.schemas.model.DomainCommand;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

import java.time.Duration;

import static org.chainmarket.adapters.lab.Drive.teardown;

/**
 * The standard namespace lab with both real adapters on it (OpenFlow on its Open vSwitch bridges, SRv6 in its
 * kernel namespaces), answering to one {@link Drive} as they would to the adapter runner: built before a test class
 * that extends this runs and removed after it; after each test every chain either adapter holds is torn down and the
 * lab's counters are reset. The class is skipped, with the reason, where the lab cannot run.
 */
abstract class LabFixture {
    static Lab lab;
    static OpenFlowDomain ovs;
    static Srv6Domain srv6;
    static Drive drive;

    @BeforeAll
    static void startLab() {
        Assumptions.assumeTrue(Lab.unavailable().isEmpty(), () -> "skipped: " + Lab.unavailable().orElse(""));
        drive = new Drive();
        lab = Lab.start(LabSpec.standard());
        ovs = new OpenFlowDomain(lab.openFlowConfig());
        srv6 = new Srv6Domain(lab.srv6Config());
        drive.activate(ovs, srv6);
        ovs.awaitSwitches(Duration.ofSeconds(15));
    }

    @AfterAll
    static void stopLab() {
        try {
            if (ovs != null) {
                ovs.close();
            }
            if (srv6 != null) {
                srv6.close();
            }
        } finally {
            if (lab != null) {
                lab.close();
            }
            ovs = null;
            srv6 = null;
            lab = null;
        }
    }

    @AfterEach
    void removeChainsAndResetCounters() {
        for (ChainId c : ovs.chains()) {
            run(ovs, teardown(c, Lab.OVS));
        }
        for (ChainId c : srv6.chains()) {
            run(srv6, teardown(c, Lab.SRV6));
        }
        lab.resetCounters();
    }

    /** Applies a command and returns the adapter's answer (a refusal throws, with its reason). */
    static DomainAck run(PathProvider adapter, DomainCommand command) {
        return drive.run(adapter, command).ack();
    }
}
