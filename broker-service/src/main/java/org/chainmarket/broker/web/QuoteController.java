package org.chainmarket.broker.web;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import org.chainmarket.broker.quote.Quote;
import org.chainmarket.broker.security.Caller;
import org.chainmarket.broker.quote.QuoteService;
import org.chainmarket.schemas.events.EventType;
import org.chainmarket.schemas.events.SchemaValidator;
import org.chainmarket.schemas.model.ChainOrder;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code POST /api/v1/quotes}: an order's price/latency trade-offs, nothing reserved. */
@Tag(name = "quotes")
@Controller("/api/v1/quotes")
@ExecuteOn(TaskExecutors.BLOCKING)
public class QuoteController {
    private final QuoteService quotes;

    public QuoteController(QuoteService quotes) {
        this.quotes = quotes;
    }

    @Operation(summary = "Quote an order", description = "The Pareto front of feasible chains on price against latency (cheapest "
            + "first, a few points), each with hops, providers, predicted latency, price and why; nothing is reserved. Order a "
            + "point with POST /api/v1/chains?quote=<quoteId>&point=<n> and the same body while the quote has not expired.")
    @RequestBody(required = true, description = "An order's body (chain-order.schema.json)",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = ChainOrder.class)))
    @ApiResponse(responseCode = "201", description = "The quote", content = @Content(mediaType = "application/json", schema = @Schema(implementation = Quote.class)))
    @ApiResponse(responseCode = "400", description = "Invalid body: one entry per field at fault",
            content = @Content(mediaType = ApiDocumentation.PROBLEM, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "422", description = "No chain meets the order: the constraint and the hop at fault",
            content = @Content(mediaType = ApiDocumentation.PROBLEM, schema = @Schema(implementation = Problem.class)))
    @Post(consumes = MediaType.APPLICATION_JSON)
    @Secured("BUYER")
    public HttpResponse<?> quote(Authentication authentication, @Body byte[] body) {
        Caller buyer = Caller.of(authentication);
        ChainOrder order = SchemaValidator.read(EventType.CHAIN_ORDER_SCHEMA, ChainController.asBuyer(buyer, body), ChainOrder.class);
        ChainController.ownOrder(buyer, order);
        QuoteService.Quoted quoted = quotes.quote(order);
        if (quoted.rejection() != null) {
            var r = quoted.rejection();
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("constraint", r.constraint().name());
            if (r.hopIndex() != null) {
                extra.put("hopIndex", r.hopIndex());
            }
            return Problems.of(HttpStatus.UNPROCESSABLE_ENTITY, "quote-rejected", "No chain meets the order", r.reason(), List.of(), extra);
        }
        return HttpResponse.status(HttpStatus.CREATED).body(quoted.quote());
    }
}
