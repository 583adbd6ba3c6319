package org.chainmarket.monitoring.context;

import org.chainmarket.schemas.model.Degradation;
import org.chainmarket.schemas.model.InstanceContext;
import org.chainmarket.schemas.model.LinkContext;

/** Where the engine's output goes: the service publishes it to Kafka, tests collect it. Called on the engine's thread. */
public interface ContextSink {
    /** An instance's context changed materially, or is due for its periodic refresh. */
    void instance(InstanceContext context);

    /** A link's context changed materially, or is due for its periodic refresh. */
    void link(LinkContext context);

    /** A metric of an instance or link crossed its threshold and stayed there for the dwell. */
    void detected(Degradation degradation);

    /** A degraded metric came back to its clear threshold and stayed there for the dwell. */
    void cleared(Degradation degradation);
}
