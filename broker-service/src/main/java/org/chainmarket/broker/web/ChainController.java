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
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import org.chainmarket.broker.chain.ChainService;
import org.chainmarket.broker.chain.ChainView;
import org.chainmarket.broker.quote.QuoteService;
import io.micronaut.core.annotation.Nullable;
import org.chainmarket.schemas.events.EventType;
import org.chainmarket.schemas.events.SchemaValidator;
import org.chainmarket.schemas.model.ChainId;
import org.chainmarket.schemas.model.ChainOrder;
import org.chainmarket.schemas.model.ChainState;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Buyers' API. {@code POST /api/v1/chains} answers 201 with the chain SETTING_UP (it turns ACTIVE when every
 * domain has acknowledged) or 422 with the constraint that no selection can meet (the order is stored as
 * REJECTED and can be read back).
 */
@Tag(name = "chains")
@Controller("/api/v1/chains")
@ExecuteOn(TaskExecutors.BLOCKING)
public class ChainController {
    private final ChainService chains;
    private final QuoteService quotes;

    public ChainController(ChainService chains, QuoteService quotes) {
        this.chains = chains;
        this.quotes = quotes;
    }

    @Operation(summary = "Order a chain", description = "Selects, reserves and starts setting up the cheapest chain (price + latency weight) that meets the order; ACTIVE once every crossed domain has acknowledged. With quote (and point), the quoted chain is reserved as quoted, or the answer says what changed.")
    @RequestBody(required = true, description = "The order (chain-order.schema.json)", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ChainOrder.class)))
    @ApiResponse(responseCode = "201", description = "Stored, SETTING_UP; Location names it", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ChainView.class)))
    @ApiResponse(responseCode = "400", description = "Invalid body: one entry per field at fault", content = @Content(mediaType = ApiDocumentation.PROBLEM, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "409", description = "The named quote can no longer be honoured (its capacity was taken or its prices changed)", content = @Content(mediaType = ApiDocumentation.PROBLEM, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "422", description = "No chain meets the order (constraint, hopIndex, chainId of the stored REJECTED chain), or the named quote expired or does not match the order", content = @Content(mediaType = ApiDocumentation.PROBLEM, schema = @Schema(implementation = Problem.class)))
    @Post(consumes = MediaType.APPLICATION_JSON)
    public HttpResponse<?> order(@Body byte[] body, @Nullable @QueryValue String quote, @QueryValue(defaultValue = "0") int point) {
        ChainOrder order = SchemaValidator.read(EventType.CHAIN_ORDER_SCHEMA, body, ChainOrder.class);
        if (quote != null && !quote.isBlank()) {
            ChainView quoted = quotes.order(order, quote.trim(), point);
            return HttpResponse.created(quoted, URI.create("/api/v1/chains/" + quoted.chainId()));
        }
        ChainService.Ordered ordered = chains.order(order);
        URI location = URI.create("/api/v1/chains/" + ordered.chain().chainId());
        if (ordered.rejection().isPresent()) {
            var r = ordered.rejection().get();
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("chainId", ordered.chain().chainId());
            extra.put("constraint", r.constraint().name());
            if (r.hopIndex() != null) {
                extra.put("hopIndex", r.hopIndex());
            }
            return Problems.of(HttpStatus.UNPROCESSABLE_ENTITY, "order-rejected", "No chain meets the order", r.reason(), List.of(), extra)
                    .header("Location", location.toString());
        }
        return HttpResponse.created(ordered.chain(), location);
    }

    @Operation(summary = "List chains, newest first", description = "state: one of the chain states; limit: 1-1000")
    @ApiResponse(responseCode = "200", description = "Chains", content = @Content(mediaType = "application/json", array = @ArraySchema(schema = @Schema(implementation = ChainView.class))))
    @Get
    public List<ChainView> list(@QueryValue(defaultValue = "") String state, @QueryValue(defaultValue = "100") int limit) {
        ChainState filter = state.isBlank() ? null : ChainState.valueOf(state.trim().toUpperCase(java.util.Locale.ROOT));
        return chains.list(filter, Math.max(1, Math.min(limit, 1000)));
    }

    @Operation(summary = "One chain: state and why, hops, path, predicted latency and price, what each domain installed")
    @ApiResponse(responseCode = "200", description = "The chain", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ChainView.class)))
    @ApiResponse(responseCode = "400", description = "Malformed id", content = @Content(mediaType = ApiDocumentation.PROBLEM, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "404", description = "Unknown chain", content = @Content(mediaType = ApiDocumentation.PROBLEM, schema = @Schema(implementation = Problem.class)))
    @Get("/{id}")
    public HttpResponse<?> get(@PathVariable String id) {
        ChainId.of(id);
        return chains.view(id).<HttpResponse<?>>map(HttpResponse::ok).orElseGet(() -> Problems.notFound("chain", id));
    }

    @Operation(summary = "End a chain", description = "TEARING_DOWN, then TERMINATED when every domain confirmed; its capacity is released")
    @ApiResponse(responseCode = "202", description = "Tearing down", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ChainView.class)))
    @ApiResponse(responseCode = "400", description = "Malformed id", content = @Content(mediaType = ApiDocumentation.PROBLEM, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "404", description = "Unknown chain", content = @Content(mediaType = ApiDocumentation.PROBLEM, schema = @Schema(implementation = Problem.class)))
    @Delete("/{id}")
    public HttpResponse<?> delete(@PathVariable String id) {
        ChainId.of(id);
        return chains.delete(id).<HttpResponse<?>>map(v -> HttpResponse.status(HttpStatus.ACCEPTED).body(v))
                .orElseGet(() -> Problems.notFound("chain", id));
    }
}
