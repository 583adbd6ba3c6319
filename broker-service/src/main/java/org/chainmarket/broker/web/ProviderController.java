package org.chainmarket.broker.web;

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
import org.chainmarket.broker.registry.OfferEntity;
import org.chainmarket.broker.registry.ProviderEntity;
import org.chainmarket.broker.registry.Registry;
import org.chainmarket.schemas.events.EventType;
import org.chainmarket.schemas.events.Json;
import org.chainmarket.schemas.events.SchemaValidator;
import org.chainmarket.schemas.model.OfferId;
import org.chainmarket.schemas.model.ProviderDomain;
import org.chainmarket.schemas.model.ProviderId;
import org.chainmarket.schemas.model.VnfOffer;

import java.net.URI;
import java.util.List;

/**
 * Providers' REST registration, the same path as the compacted topics take: {@code /api/v1/providers} for
 * domains and {@code /api/v1/offers} for offers (with the capacity chains hold on them).
 */
@Controller("/api/v1")
@ExecuteOn(TaskExecutors.BLOCKING)
public class ProviderController {
    private final Registry registry;

    public ProviderController(Registry registry) {
        this.registry = registry;
    }

    /** An offer with what chains hold of it. */
    public record OfferView(VnfOffer offer, double reservedMbps, int reservedChains, boolean withdrawn) {
        static OfferView of(OfferEntity e) {
            return new OfferView(Json.read(e.offerJson, VnfOffer.class), e.reservedMbps, e.reservedChains, e.withdrawn);
        }
    }

    @Post(uri = "/providers", consumes = MediaType.APPLICATION_JSON)
    public HttpResponse<ProviderDomain> register(@Body byte[] body) {
        ProviderDomain domain = SchemaValidator.read(EventType.PROVIDER_DOMAIN_ADVERTISED.schema(), body, ProviderDomain.class);
        registry.register(domain);
        return HttpResponse.created(domain, URI.create("/api/v1/providers/" + domain.providerId()));
    }

    @Get("/providers")
    public List<ProviderDomain> providers() {
        return registry.providers().stream().map(p -> Json.read(p.domainJson, ProviderDomain.class)).toList();
    }

    @Get("/providers/{id}")
    public HttpResponse<?> provider(@PathVariable String id) {
        ProviderId.of(id);
        return registry.provider(id).<HttpResponse<?>>map(p -> HttpResponse.ok(Json.read(p.domainJson, ProviderDomain.class)))
                .orElseGet(() -> Problems.notFound("provider", id));
    }

    @Delete("/providers/{id}")
    public HttpResponse<?> withdrawProvider(@PathVariable String id) {
        return registry.withdraw(ProviderId.of(id)) ? HttpResponse.noContent() : Problems.notFound("provider", id);
    }

    @Post(uri = "/offers", consumes = MediaType.APPLICATION_JSON)
    public HttpResponse<?> advertise(@Body byte[] body) {
        VnfOffer offer = SchemaValidator.read(EventType.OFFER_ADVERTISED.schema(), body, VnfOffer.class);
        OfferEntity stored = registry.register(offer);
        return HttpResponse.status(HttpStatus.CREATED).body(OfferView.of(stored))
                .header("Location", "/api/v1/offers/" + offer.offerId());
    }

    @Get("/offers")
    public List<OfferView> offers() {
        return registry.offers().stream().map(OfferView::of).toList();
    }

    @Get("/offers/{id}")
    public HttpResponse<?> offer(@PathVariable String id) {
        OfferId.of(id);
        return registry.offer(id).<HttpResponse<?>>map(o -> HttpResponse.ok(OfferView.of(o))).orElseGet(() -> Problems.notFound("offer", id));
    }

    @Delete("/offers/{id}")
    public HttpResponse<?> withdrawOffer(@PathVariable String id) {
        return registry.withdraw(OfferId.of(id)) ? HttpResponse.noContent() : Problems.notFound("offer", id);
    }
}
