package org.chainmarket.schemas.events;

import org.chainmarket.schemas.model.LinkContext;
import org.chainmarket.schemas.model.ProviderDomain;
import org.chainmarket.schemas.model.VnfOffer;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The rules JSON Schema cannot say: references inside an advertisement, and ordering of dates. */
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
        } else if (payload instanceof VnfOffer o && o.validFrom() != null && o.validUntil() != null
                && !o.validUntil().isAfter(o.validFrom())) {
            errors.add(new FieldError("$.validUntil", "must be after validFrom"));
        }
        return errors;
    }

    private static void known(Set<String> switches, String id, String field, List<FieldError> errors) {
        if (!switches.contains(id)) {
            errors.add(new FieldError(field, "switch '" + id + "' is not among the domain's switches"));
        }
    }
}
