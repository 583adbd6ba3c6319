package org.chainmarket.monitoring.context;

import org.chainmarket.schemas.model.Degradation;
import org.chainmarket.schemas.model.InstanceContext;
import org.chainmarket.schemas.model.LinkContext;

import java.util.ArrayList;
import java.util.List;

/** Collects what the engine reports. */
final class RecordingSink implements ContextSink {
    final List<InstanceContext> instances = new ArrayList<>();
    final List<LinkContext> links = new ArrayList<>();
    final List<Degradation> detected = new ArrayList<>();
    final List<Degradation> cleared = new ArrayList<>();

    @Override
    public void instance(InstanceContext context) {
        instances.add(context);
    }

    @Override
    public void link(LinkContext context) {
        links.add(context);
    }

    @Override
    public void detected(Degradation degradation) {
        detected.add(degradation);
    }

    @Override
    public void cleared(Degradation degradation) {
        cleared.add(degradation);
    }

    InstanceContext lastInstance() {
        return instances.get(instances.size() - 1);
    }
}
