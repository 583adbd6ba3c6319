package org.chainmarket.broker.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import org.chainmarket.broker.registry.OfferEntity;
import org.chainmarket.broker.registry.ProviderEntity;
import org.chainmarket.broker.registry.ProviderHealth;
import org.chainmarket.broker.registry.Registry;
import org.chainmarket.broker.security.Caller;
import org.chainmarket.broker.security.Forbidden;
import org.chainmarket.schemas.events.EventType;
import org.chainmarket.schemas.events.FieldError;
import org.chainmarket.schemas.events.InvalidInputException;
import org.chainmarket.schemas.events.Json;
import org.chainmarket.schemas.events.SchemaValidator;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.ProviderDomain;
import org.chainmarket.schemas.model.ProviderId;
import org.chainmarket.schemas.model.VnfOffer;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Providers' REST registration, the same path as the compacted topics take: {@code /api/v1/providers} for
 * domains and {@code /api/v1/offers} for offers (with the capacity chains hold on them). Every account reads the
 * catalogue; only a provider's own accounts register, change and withdraw its domain and offers. A domain may not
 * claim another provider's switch, and its border links must lead to a registered provider's switch; an offer
 * must sit at one of its own domain's sites and its id may not move to another provider.
 */
@Controller("/api/v1")
@ExecuteOn(TaskExecutors.BLOCKING)
public class ProviderController {
    private final Registry registry;
    private final ProviderHealth health;

    public ProviderController(Registry registry, ProviderHealth health) {
        this.registry = registry;
        this.health = health;
    }

    /** A registered domain as advertised, with its provider's {@code health} (circuit state, since, reason, failures, retryAt). */
    private JsonNode view(ProviderEntity p) {
        ObjectNode o = Json.MAPPER.valueToTree(Json.read(p.domainJson, ProviderDomain.class));
        o.set("health", Json.MAPPER.valueToTree(health.status(p.id)));
        return o;
    }

    /** An offer with what chains hold of it. */
    public record OfferView(VnfOffer offer, double reservedMbps, int reservedChains, boolean withdrawn) {
        static OfferView of(OfferEntity e) {
            return new OfferView(Json.read(e.offerJson, VnfOffer.class), e.reservedMbps, e.reservedChains, e.withdrawn);
        }
    }

    @Post(uri = "/providers", consumes = MediaType.APPLICATION_JSON)
    @Secured("PROVIDER")
    public HttpResponse<ProviderDomain> register(Authentication authentication, @Body byte[] body) {
        ProviderDomain domain = SchemaValidator.read(EventType.PROVIDER_DOMAIN_ADVERTISED.schema(), body, ProviderDomain.class);
        ownProvider(Caller.of(authentication), domain.providerId().value(), "$.providerId");
        checkAgainstOthers(domain);
        registry.register(domain);
        return HttpResponse.created(domain, URI.create("/api/v1/providers/" + domain.providerId()));
    }

    /** Switches stay with the provider that advertised them first; border links lead to registered providers' switches. */
    private void checkAgainstOthers(ProviderDomain domain) {
        Map<String, ProviderDomain> others = new HashMap<>();
        Map<String, String> switchOwner = new HashMap<>();
        for (ProviderEntity p : registry.providers()) {
            if (!p.id.equals(domain.providerId().value())) {
                ProviderDomain d = Json.read(p.domainJson, ProviderDomain.class);
                others.put(p.id, d);
                d.switches().forEach(s -> switchOwner.put(s.switchId(), p.id));
            }
        }
        List<FieldError> claimed = new ArrayList<>();
        for (int i = 0; i < domain.switches().size(); i++) {
            String owner = switchOwner.get(domain.switches().get(i).switchId());
            if (owner != null) {
                claimed.add(new FieldError("$.switches[" + i + "].switchId", "switch '" + domain.switches().get(i).switchId()
                        + "' belongs to provider '" + owner + "'"));
            }
        }
        if (!claimed.isEmpty()) {
            throw new ProblemException(HttpStatus.CONFLICT, "The domain claims switches of other providers.", claimed);
        }
        List<FieldError> errors = new ArrayList<>();
        for (int i = 0; i < domain.borderLinks().size(); i++) {
            ProviderDomain.BorderLink b = domain.borderLinks().get(i);
            ProviderDomain remote = others.get(b.remoteProvider().value());
            if (remote == null) {
                errors.add(new FieldError("$.borderLinks[" + i + "].remoteProvider", "provider '" + b.remoteProvider() + "' is not registered"));
            } else if (remote.switches().stream().noneMatch(s -> s.switchId().equals(b.remoteSwitch()))) {
                errors.add(new FieldError("$.borderLinks[" + i + "].remoteSwitch", "switch '" + b.remoteSwitch() + "' is not a switch of provider '"
                        + b.remoteProvider() + "'"));
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidInputException("domain " + domain.providerId(), errors);
        }
    }

    @Get("/providers")
    @Secured(SecurityRule.IS_AUTHENTICATED)
    public List<JsonNode> providers() {
        return registry.providers().stream().map(this::view).toList();
    }

    @Get("/providers/{id}")
    @Secured(SecurityRule.IS_AUTHENTICATED)
    public HttpResponse<?> provider(@PathVariable String id) {
        Params.id("id", id);
        return registry.provider(id).<HttpResponse<?>>map(p -> HttpResponse.ok(view(p)))
                .orElseGet(() -> Problems.notFound("provider", id));
    }

    @Delete("/providers/{id}")
    @Secured("PROVIDER")
    public HttpResponse<?> withdrawProvider(Authentication authentication, @PathVariable String id) {
        Params.id("id", id);
        ownProvider(Caller.of(authentication), id, "id");
        return registry.withdraw(ProviderId.of(id)) ? HttpResponse.noContent() : Problems.notFound("provider", id);
    }

    @Post(uri = "/offers", consumes = MediaType.APPLICATION_JSON)
    @Secured("PROVIDER")
    public HttpResponse<?> advertise(Authentication authentication, @Body byte[] body) {
        VnfOffer offer = SchemaValidator.read(EventType.OFFER_ADVERTISED.schema(), body, VnfOffer.class);
        Caller caller = Caller.of(authentication);
        ownProvider(caller, offer.providerId().value(), "$.providerId");
        registry.offer(offer.offerId().value()).filter(o -> !o.providerId.equals(offer.providerId().value())).ifPresent(o -> {
            throw new Forbidden("Offer " + offer.offerId() + " belongs to another provider.",
                    List.of(new FieldError("$.offerId", "offer '" + offer.offerId() + "' belongs to another provider")));
        });
        Optional<ProviderDomain> domain = registry.provider(offer.providerId().value()).map(p -> Json.read(p.domainJson, ProviderDomain.class));
        if (domain.isEmpty() || domain.get().sites().stream().noneMatch(s -> s.siteId().equals(offer.siteId()))) {
            throw new InvalidInputException("offer " + offer.offerId(), List.of(new FieldError("$.siteId", "site '" + offer.siteId()
                    + "' is not a site of provider '" + offer.providerId() + "'" + (domain.isEmpty() ? " (register the domain first)" : ""))));
        }
        OfferEntity stored = registry.register(offer);
        return HttpResponse.status(HttpStatus.CREATED).body(OfferView.of(stored))
                .header("Location", "/api/v1/offers/" + offer.offerId());
    }

    @Get("/offers")
    @Secured(SecurityRule.IS_AUTHENTICATED)
    public List<OfferView> offers() {
        return registry.offers().stream().map(OfferView::of).toList();
    }

    @Get("/offers/{id}")
    @Secured(SecurityRule.IS_AUTHENTICATED)
    public HttpResponse<?> offer(@PathVariable String id) {
        Params.id("id", id);
        return registry.offer(id).<HttpResponse<?>>map(o -> HttpResponse.ok(OfferView.of(o))).orElseGet(() -> Problems.notFound("offer", id));
    }

    @Delete("/offers/{id}")
    @Secured("PROVIDER")
    public HttpResponse<?> withdrawOffer(Authentication authentication, @PathVariable String id) {
        Params.id("id", id);
        Optional<OfferEntity> offer = registry.offer(id);
        if (offer.isEmpty()) {
            return Problems.notFound("offer", id);
        }
        ownProvider(Caller.of(authentication), offer.get().providerId, "id");
        return registry.withdraw(OfferId.of(id)) ? HttpResponse.noContent() : Problems.notFound("offer", id);
    }

    /** A provider account acts only for its own provider id: anything else is 403 naming {@code field}. */
    private static void ownProvider(Caller caller, String providerId, String field) {
        if (!caller.isProvider(providerId)) {
            throw new Forbidden("Your account acts for provider '" + caller.party() + "', not '" + providerId + "'.",
                    List.of(new FieldError(field, "must be your own provider id '" + caller.party() + "'")));
        }
    }
}
