package org.chainmarket.selection;

import org.chainmarket.schemas.model.ProviderId;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Which providers' domains can proxy an unaware VNF instance, per encapsulation (an SR proxy such as
 * End.AD/End.DX6 with re-encapsulation, or an NSH proxy). Absent provider = proxies nothing.
 */
public record Steering(Map<ProviderId, Set<Encapsulation>> proxies) {
    /** No domain proxies anything. */
    public static final Steering NO_PROXIES = new Steering(Map.of());

    public Steering {
        proxies = Map.copyOf(proxies);
    }

    /** Whether {@code offer} can serve a chain steered with {@code encapsulation}. */
    public boolean admits(OfferState offer, Encapsulation encapsulation) {
        return switch (encapsulation) {
            case NONE -> true;
            case SRV6 -> offer.offer().srAware() || proxies.getOrDefault(offer.offer().providerId(), Set.of()).contains(Encapsulation.SRV6);
            case NSH -> offer.offer().nshAware() || proxies.getOrDefault(offer.offer().providerId(), Set.of()).contains(Encapsulation.NSH);
        };
    }

    /** The encapsulations {@code offer} can serve. */
    public Set<Encapsulation> admitted(OfferState offer) {
        Set<Encapsulation> out = EnumSet.noneOf(Encapsulation.class);
        for (Encapsulation e : Encapsulation.values()) {
            if (admits(offer, e)) {
                out.add(e);
            }
        }
        return out;
    }

}
