package org.chainmarket.adapters.lab;

import org.chainmarket.adapters.api.PathProvider;
import org.chainmarket.adapters.openflow.OpenFlowDomain;
import org.chainmarket.adapters.srv6.Srv6Domain;
import org.chainmarket.schemas.model.ChainId;
import org.chainmarket.schemas.model.DomainAck;
import org.chainmarket.schemas.model.DomainCommand;
import org.junit.jupiter.api.Assumptions;

import java.time.Duration;

import static org.chainmarket.adapters.lab.Drive.teardown;

/**
 * The standard lab with both real adapters on it, driven as the adapter runner would: what every lab test class starts
 * in {@code @BeforeAll} (skipping, with the reason, where the lab cannot run), cleans after each test and closes.
 */
final class LabFixture implements AutoCloseable {
    final Lab lab;
    final Drive drive = new Drive();
    private OpenFlowDomain ovs;
    private Srv6Domain srv6;

    private LabFixture(Lab lab) {
        this.lab = lab;
    }

    /** Skips the calling test class where the lab cannot run; otherwise builds it and connects both adapters. */
    static LabFixture start() {
        Assumptions.assumeTrue(Lab.unavailable().isEmpty(), () -> "skipped: " + Lab.unavailable().orElse(""));
        LabFixture f = new LabFixture(Lab.start(LabSpec.standard()));
        try {
            f.ovs = new OpenFlowDomain(f.lab.openFlowConfig());
            f.srv6 = new Srv6Domain(f.lab.srv6Config());
            f.drive.activate(f.ovs, f.srv6);
            f.ovs.awaitSwitches(Duration.ofSeconds(15));
            return f;
        } catch (RuntimeException e) {
            f.close();
            throw e;
        }
    }

    OpenFlowDomain ovs() {
        return ovs;
    }

    Srv6Domain srv6() {
        return srv6;
    }

    /** A new OpenFlow adapter in place of the running one (which disconnects; fail_mode=secure keeps the rules). */
    OpenFlowDomain restartOpenFlow() {
        ovs.close();
        ovs = new OpenFlowDomain(lab.openFlowConfig());
        drive.activate(ovs);
        ovs.awaitSwitches(Duration.ofSeconds(30));
        return ovs;
    }

    /** A new SRv6 adapter in place of the running one (the kernel keeps its routes). */
    Srv6Domain restartSrv6() {
        srv6.close();
        srv6 = new Srv6Domain(lab.srv6Config());
        drive.activate(srv6);
        return srv6;
    }

    /** Applies a command and returns the answer (a refusal throws, with the reason). */
    DomainAck run(PathProvider adapter, DomainCommand command) {
        return drive.run(adapter, command).ack();
    }

    /** Tears down every chain either adapter holds and zeroes every counter. */
    void removeChainsAndResetCounters() {
        for (ChainId c : ovs.chains()) {
            run(ovs, teardown(c, Lab.OVS));
        }
        for (ChainId c : srv6.chains()) {
            run(srv6, teardown(c, Lab.SRV6));
        }
        lab.resetCounters();
    }

    @Override
    public void close() {
        try {
            if (ovs != null) {
                ovs.close();
            }
            if (srv6 != null) {
                srv6.close();
            }
        } finally {
            lab.close();
        }
    }
}
