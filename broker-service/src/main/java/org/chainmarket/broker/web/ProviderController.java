package org.chainmarket.broker.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
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
@Tag(name = "registry")
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

    @Operation(summary = "Advertise a provider domain", description = "Switches, sites, links and border links; the same path as the compacted Kafka topic")
    @RequestBody(required = true, description = "The domain (provider-domain schema)", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ProviderDomain.class)))
    @ApiResponse(responseCode = "201", description = "Registered", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ProviderDomain.class)))
    @ApiResponse(responseCode = "400", description = "Invalid domain: one entry per field at fault", content = @Content(mediaType = ApiDocumentation.PROBLEM, schema = @Schema(implementation = Problem.class)))
    @Post(uri = "/providers", consumes = MediaType.APPLICATION_JSON)
    public HttpResponse<ProviderDomain> register(@Body byte[] body) {
        ProviderDomain domain = SchemaValidator.read(EventType.PROVIDER_DOMAIN_ADVERTISED.schema(), body, ProviderDomain.class);
        registry.register(domain);
        return HttpResponse.created(domain, URI.create("/api/v1/providers/" + domain.providerId()));
    }

    @Operation(summary = "Advertised domains")
    @ApiResponse(responseCode = "200", description = "Domains", content = @Content(mediaType = "application/json", array = @ArraySchema(schema = @Schema(implementation = ProviderDomain.class))))
    @Get("/providers")
    public List<ProviderDomain> providers() {
        return registry.providers().stream().map(p -> Json.read(p.domainJson, ProviderDomain.class)).toList();
    }

    @Operation(summary = "One advertised domain")
    @ApiResponse(responseCode = "200", description = "The domain", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ProviderDomain.class)))
    @ApiResponse(responseCode = "404", description = "Unknown provider", content = @Content(mediaType = ApiDocumentation.PROBLEM, schema = @Schema(implementation = Problem.class)))
    @Get("/providers/{id}")
    public HttpResponse<?> provider(@PathVariable String id) {
        ProviderId.of(id);
        return registry.provider(id).<HttpResponse<?>>map(p -> HttpResponse.ok(Json.read(p.domainJson, ProviderDomain.class)))
                .orElseGet(() -> Problems.notFound("provider", id));
    }

    @Operation(summary = "Withdraw a domain")
    @ApiResponse(responseCode = "204", description = "Withdrawn")
    @ApiResponse(responseCode = "404", description = "Unknown provider", content = @Content(mediaType = ApiDocumentation.PROBLEM, schema = @Schema(implementation = Problem.class)))
    @Delete("/providers/{id}")
    public HttpResponse<?> withdrawProvider(@PathVariable String id) {
        return registry.withdraw(ProviderId.of(id)) ? HttpResponse.noContent() : Problems.notFound("provider", id);
    }

    @Operation(summary = "Advertise a VNF offer")
    @RequestBody(required = true, description = "The offer (vnf-offer schema)", content = @Content(mediaType = "application/json", schema = @Schema(implementation = VnfOffer.class)))
    @ApiResponse(responseCode = "201", description = "Advertised", content = @Content(mediaType = "application/json", schema = @Schema(implementation = OfferView.class)))
    @ApiResponse(responseCode = "400", description = "Invalid offer: one entry per field at fault", content = @Content(mediaType = ApiDocumentation.PROBLEM, schema = @Schema(implementation = Problem.class)))
    @Post(uri = "/offers", consumes = MediaType.APPLICATION_JSON)
    public HttpResponse<?> advertise(@Body byte[] body) {
        VnfOffer offer = SchemaValidator.read(EventType.OFFER_ADVERTISED.schema(), body, VnfOffer.class);
        OfferEntity stored = registry.register(offer);
        return HttpResponse.status(HttpStatus.CREATED).body(OfferView.of(stored))
                .header("Location", "/api/v1/offers/" + offer.offerId());
    }

    @Operation(summary = "Offers with the capacity chains hold on them")
    @ApiResponse(responseCode = "200", description = "Offers", content = @Content(mediaType = "application/json", array = @ArraySchema(schema = @Schema(implementation = OfferView.class))))
    @Get("/offers")
    public List<OfferView> offers() {
        return registry.offers().stream().map(OfferView::of).toList();
    }

    @Operation(summary = "One offer with the capacity chains hold")
    @ApiResponse(responseCode = "200", description = "The offer", content = @Content(mediaType = "application/json", schema = @Schema(implementation = OfferView.class)))
    @ApiResponse(responseCode = "400", description = "Malformed id", content = @Content(mediaType = ApiDocumentation.PROBLEM, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "404", description = "Unknown offer", content = @Content(mediaType = ApiDocumentation.PROBLEM, schema = @Schema(implementation = Problem.class)))
    @Get("/offers/{id}")
    public HttpResponse<?> offer(@PathVariable String id) {
        OfferId.of(id);
        return registry.offer(id).<HttpResponse<?>>map(o -> HttpResponse.ok(OfferView.of(o))).orElseGet(() -> Problems.notFound("offer", id));
    }

    @Operation(summary = "Withdraw an offer (chains on it keep running)")
    @ApiResponse(responseCode = "204", description = "Withdrawn")
    @ApiResponse(responseCode = "404", description = "Unknown offer", content = @Content(mediaType = ApiDocumentation.PROBLEM, schema = @Schema(implementation = Problem.class)))
    @Delete("/offers/{id}")
    public HttpResponse<?> withdrawOffer(@PathVariable String id) {
        return registry.withdraw(OfferId.of(id)) ? HttpResponse.noContent() : Problems.notFound("offer", id);
    }
}
