package org.chainmarket.schemas.events;

import org.chainmarket.schemas.model.CatalogueEntry;
import org.chainmarket.schemas.model.ChainEvent;
import org.chainmarket.schemas.model.Degradation;
import org.chainmarket.schemas.model.DomainAck;
import org.chainmarket.schemas.model.DomainCommand;
import org.chainmarket.schemas.model.DomainStateReport;
import org.chainmarket.schemas.model.InstanceAck;
import org.chainmarket.schemas.model.InstanceCommand;
import org.chainmarket.schemas.model.InstanceContext;
import org.chainmarket.schemas.model.LinkContext;
import org.chainmarket.schemas.model.PlacementPlan;
import org.chainmarket.schemas.model.ProviderDomain;
import org.chainmarket.schemas.model.Substitution;
import org.chainmarket.schemas.model.TelemetryBatch;
import org.chainmarket.schemas.model.VnfDemand;
import org.chainmarket.schemas.model.VnfOffer;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The rules JSON Schema cannot say: references inside an advertisement, ordering of dates, and, for a record, that its
 * key is the id in its body and that an acknowledgement's event id is {@link DomainAck#eventId}.
 */
final class ContractRules {
    private ContractRules() {
    }

    static List<FieldError> check(Object payload) {
        List<FieldError> errors = new ArrayList<>();
        if (payload instanceof ProviderDomain d) {
            Set<String> switches = new HashSet<>();
            for (int i = 0; i < d.switches().size(); i++) {
                if (!switches.add(d.switches().get(i).switchId())) {
                    errors.add(new FieldError("$.switches[" + i + "].switchId", "duplicate switch '" + d.switches().get(i).switchId() + "'"));
                }
            }
            for (int i = 0; i < d.sites().size(); i++) {
                known(switches, d.sites().get(i).switchId(), "$.sites[" + i + "].switchId", errors);
            }
            for (int i = 0; i < d.links().size(); i++) {
                known(switches, d.links().get(i).from(), "$.links[" + i + "].from", errors);
                known(switches, d.links().get(i).to(), "$.links[" + i + "].to", errors);
            }
            for (int i = 0; i < d.borderLinks().size(); i++) {
                known(switches, d.borderLinks().get(i).localSwitch(), "$.borderLinks[" + i + "].localSwitch", errors);
                if (d.borderLinks().get(i).remoteProvider().equals(d.providerId())) {
                    errors.add(new FieldError("$.borderLinks[" + i + "].remoteProvider", "a border link must lead to another provider"));
                }
            }
        } else if (payload instanceof LinkContext l && !l.linkKey().equals(LinkContext.key(l.from(), l.to()))) {
            errors.add(new FieldError("$.linkKey", "must be '" + LinkContext.key(l.from(), l.to()) + "' for link "
                    + l.from() + "-" + l.to()));
        } else if (payload instanceof DomainStateReport r) {
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < r.chains().size(); i++) {
                if (!seen.add(r.chains().get(i).chainId().value())) {
                    errors.add(new FieldError("$.chains[" + i + "].chainId", "chain '" + r.chains().get(i).chainId() + "' is listed twice"));
                }
            }
        } else if (payload instanceof VnfOffer o && o.validFrom() != null && o.validUntil() != null
                && !o.validUntil().isAfter(o.validFrom())) {
            errors.add(new FieldError("$.validUntil", "must be after validFrom"));
        }
        return errors;
    }

    /**
     * The record-level rules: the key is the body's aggregate id; a command's type matches its operation; an
     * acknowledgement's {@code ce_id} is its fixed form.
     */
    static List<FieldError> checkRecord(EventType type, String id, String key, Object payload) {
        List<FieldError> errors = new ArrayList<>();
        if (payload instanceof DomainCommand c && type != (c.operation() == DomainCommand.Operation.SETUP
                ? EventType.PATH_SETUP_REQUESTED : EventType.PATH_TEARDOWN_REQUESTED)) {
            errors.add(new FieldError("header " + CloudEvents.TYPE, type.ceType() + " does not match operation " + c.operation()));
        }
        String[] own = aggregateId(payload);
        if (own != null && !own[1].equals(key)) {
            errors.add(new FieldError("key", "'" + key + "' is not the body's $." + own[0] + " '" + own[1] + "'"));
        }
        if (payload instanceof DomainAck a && !DomainAck.eventId(a.providerId(), a.commandId()).equals(id)) {
            errors.add(new FieldError("header " + CloudEvents.ID, "'" + id + "' must be '"
                    + DomainAck.eventId(a.providerId(), a.commandId()) + "' (DomainAck.eventId)"));
        }
        return errors;
    }

    /** The body's field that must equal the record key, and its value; null for a body that names none. */
    private static String[] aggregateId(Object payload) {
        if (payload instanceof ProviderDomain d) {
            return new String[]{"providerId", d.providerId().value()};
        } else if (payload instanceof VnfOffer o) {
            return new String[]{"offerId", o.offerId().value()};
        } else if (payload instanceof DomainCommand c) {
            return new String[]{"chainId", c.chainId().value()};
        } else if (payload instanceof DomainAck a) {
            return new String[]{"chainId", a.chainId().value()};
        } else if (payload instanceof DomainStateReport r) {
            return new String[]{"providerId", r.providerId().value()};
        } else if (payload instanceof ChainEvent e) {
            return new String[]{"chainId", e.chainId().value()};
        } else if (payload instanceof Substitution s) {
            return new String[]{"chainId", s.chainId().value()};
        } else if (payload instanceof TelemetryBatch b) {
            return new String[]{"providerId", b.providerId().value()};
        } else if (payload instanceof InstanceContext c) {
            return new String[]{"offerId", c.offerId().value()};
        } else if (payload instanceof LinkContext l) {
            return new String[]{"linkKey", l.linkKey()};
        } else if (payload instanceof Degradation d) {
            return new String[]{"subjectId", d.subjectId()};
        } else if (payload instanceof CatalogueEntry e) {
            return new String[]{"providerId:vnfType", e.key()};
        } else if (payload instanceof VnfDemand d) {
            return new String[]{"vnfType", d.vnfType()};
        } else if (payload instanceof PlacementPlan p) {
            return new String[]{"planId", p.planId()};
        } else if (payload instanceof InstanceCommand c) {
            return new String[]{"providerId", c.providerId().value()};
        } else if (payload instanceof InstanceAck a) {
            return new String[]{"providerId", a.providerId().value()};
        }
        return null;
    }

    private static void known(Set<String> switches, String id, String field, List<FieldError> errors) {
        if (!switches.contains(id)) {
            errors.add(new FieldError(field, "switch '" + id + "' is not among the domain's switches"));
        }
    }
}
