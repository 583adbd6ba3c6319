package org.chainmarket.broker.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micronaut.core.annotation.Nullable;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.Patch;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import org.chainmarket.broker.chain.AckReadiness;
import org.chainmarket.broker.chain.ChainChanges;
import org.chainmarket.broker.chain.ChainService;
import org.chainmarket.broker.chain.ChainView;
import org.chainmarket.broker.quote.QuoteService;
import org.chainmarket.broker.security.Caller;
import org.chainmarket.broker.security.Forbidden;
import org.chainmarket.broker.security.Role;
import org.chainmarket.schemas.events.EventType;
import org.chainmarket.schemas.events.FieldError;
import org.chainmarket.schemas.events.Json;
import org.chainmarket.schemas.events.SchemaValidator;
import org.chainmarket.schemas.model.ChainChange;
import org.chainmarket.schemas.model.ChainOrder;
import org.chainmarket.schemas.model.ChainState;

import java.io.IOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Buyers' API. {@code POST /api/v1/chains} answers 201 with the chain SETTING_UP (it turns ACTIVE when every
 * domain has acknowledged) or 422 with the constraint that no selection can meet (the order is stored as
 * REJECTED and can be read back). The buyer is the token's: a body's {@code buyerId} may only repeat it. A buyer
 * sees and ends only its own chains (another's is answered 404, as if it did not exist); operators read every
 * chain. An {@code Idempotency-Key} header makes a retried order answer the first one's chain.
 */
@Tag(name = "chains")
@Controller("/api/v1/chains")
@ExecuteOn(TaskExecutors.BLOCKING)
public class ChainController {
    static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    private final ChainService chains;
    private final IdempotencyKeys keys;
    private final QuoteService quotes;
    private final ChainChanges changes;
    private final AckReadiness acks;

    public ChainController(ChainService chains, IdempotencyKeys keys, QuoteService quotes, ChainChanges changes, AckReadiness acks) {
        this.chains = chains;
        this.keys = keys;
        this.quotes = quotes;
        this.changes = changes;
        this.acks = acks;
    }

    /** 503 with Retry-After: the broker cannot hear its domains' acknowledgements yet (see {@link AckReadiness}). */
    private static HttpResponse<?> domainsUnheard() {
        return Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "domains-unheard", "Service Unavailable",
                        "The marketplace is not yet reading its domains' acknowledgements (it has just started); nothing was changed. "
                                + "Retry after 5 s (with the same Idempotency-Key).", List.of(), Map.of())
                .header("Retry-After", "5");
    }

    @Operation(summary = "Order a chain", description = "Selects, reserves and starts setting up the cheapest chain (price + latency weight) that meets the order; ACTIVE once every crossed domain has acknowledged. With quote (and point), the quoted chain is reserved as quoted, or the answer says what changed.")
    @RequestBody(required = true, description = "The order (chain-order.schema.json)", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ChainOrder.class)))
    @ApiResponse(responseCode = "201", description = "Stored, SETTING_UP; Location names it", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ChainView.class)))
    @ApiResponse(responseCode = "400", description = "Invalid body: one entry per field at fault", content = @Content(mediaType = ApiDocumentation.PROBLEM, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "409", description = "The named quote can no longer be honoured (its capacity was taken or its prices changed)", content = @Content(mediaType = ApiDocumentation.PROBLEM, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "422", description = "No chain meets the order (constraint, hopIndex, chainId of the stored REJECTED chain), or the named quote expired or does not match the order", content = @Content(mediaType = ApiDocumentation.PROBLEM, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "503", description = "The database cannot be reached, or the broker is not yet reading its domains' acknowledgements (just started); nothing was stored; Retry-After says when to retry", content = @Content(mediaType = ApiDocumentation.PROBLEM, schema = @Schema(implementation = Problem.class)))
    @Post(consumes = MediaType.APPLICATION_JSON)
    @Secured("BUYER")
    public HttpResponse<?> order(Authentication authentication, @Nullable @Header(IDEMPOTENCY_KEY) String idempotencyKey,
                                 @Nullable @QueryValue String quote, @QueryValue(defaultValue = "0") int point, @Body byte[] body) {
        Caller buyer = Caller.of(authentication);
        String key = IdempotencyKeys.check(idempotencyKey);
        ChainOrder order = SchemaValidator.read(EventType.CHAIN_ORDER_SCHEMA, asBuyer(buyer, body), ChainOrder.class);
        ownOrder(buyer, order);
        if (key != null) {
            Optional<String> first = keys.chainOf(buyer.party(), key);
            if (first.isPresent()) {
                return replay(first.get(), order);
            }
        }
        if (!acks.awaitReady()) {
            return domainsUnheard();
        }
        if (quote != null && !quote.isBlank()) {
            // the quoted chain, reserved as quoted (its key stored with it), or an answer saying what changed since the quote
            ChainView quoted;
            try {
                quoted = quotes.order(order, quote.trim(), point, key);
            } catch (RuntimeException e) {
                Optional<String> first = key == null ? Optional.empty() : keys.chainOf(buyer.party(), key);
                if (first.isPresent()) {
                    return replay(first.get(), order);
                }
                throw e;
            }
            return HttpResponse.created(quoted, URI.create("/api/v1/chains/" + quoted.chainId()));
        }
        ChainService.Ordered ordered;
        try {
            ordered = chains.order(order, key);
        } catch (RuntimeException e) {
            // A concurrent retry with the same key stored its chain first: the unique index refused this one.
            Optional<String> first = key == null ? Optional.empty() : keys.chainOf(buyer.party(), key);
            if (first.isPresent()) {
                return replay(first.get(), order);
            }
            throw e;
        }
        return answer(ordered.chain(), ordered.rejection().map(r -> rejectionFields(r.constraint().name(), r.hopIndex())).orElse(null));
    }

    /** The body with the token's buyer id filled in when it has none (a buyer id it names is checked once valid). */
    static byte[] asBuyer(Caller buyer, byte[] body) {
        JsonNode json;
        try {
            json = body == null || body.length == 0 ? null : Json.MAPPER.readTree(body);
        } catch (IOException e) {
            return body; // the validator names what is malformed
        }
        if (json instanceof ObjectNode o && !o.has("buyerId")) {
            o.put("buyerId", buyer.party());
            return Json.bytes(o);
        }
        return body;
    }

    /** A buyer orders only as itself: another buyer id in the body is refused (403). */
    static void ownOrder(Caller buyer, ChainOrder order) {
        if (!buyer.isBuyer(order.buyerId())) {
            throw new Forbidden("You order as buyer '" + buyer.party() + "' (your token's); leave buyerId out or repeat it.",
                    List.of(new FieldError("$.buyerId", "must be '" + buyer.party() + "', the buyer your token acts for, or absent")));
        }
    }

    /** The first answer to an order with this key again: the same chain (as it is now), or the same rejection. */
    private HttpResponse<?> replay(String chainId, ChainOrder order) {
        ChainView first = chains.view(chainId).orElseThrow();
        if (!first.order().equals(order)) {
            return Problems.of(HttpStatus.UNPROCESSABLE_ENTITY, "idempotency-key-reused", "Idempotency-Key reused",
                    "This Idempotency-Key was used for a different order (chain " + chainId + ").",
                    List.of(new FieldError(IDEMPOTENCY_KEY, "already names chain " + chainId + ", ordered with another body")), Map.of());
        }
        HttpResponse<?> answer = answer(first, first.state() == ChainState.REJECTED ? rejectionFields(null, null) : null);
        return ((MutableHttpResponse<?>) answer).header("Idempotent-Replayed", "true");
    }

    private static Map<String, Object> rejectionFields(String constraint, Integer hopIndex) {
        Map<String, Object> extra = new LinkedHashMap<>();
        if (constraint != null) {
            extra.put("constraint", constraint);
        }
        if (hopIndex != null) {
            extra.put("hopIndex", hopIndex);
        }
        return extra;
    }

    private static HttpResponse<?> answer(ChainView chain, Map<String, Object> rejection) {
        URI location = URI.create("/api/v1/chains/" + chain.chainId());
        if (rejection != null) {
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("chainId", chain.chainId());
            extra.putAll(rejection);
            return Problems.of(HttpStatus.UNPROCESSABLE_ENTITY, "order-rejected", "No chain meets the order", chain.reason(), List.of(), extra)
                    .header("Location", location.toString());
        }
        return HttpResponse.created(chain, location);
    }

    @Get
    @Secured({"BUYER", "OPERATOR"})
    public List<ChainView> list(Authentication authentication, @Nullable @QueryValue String state, @Nullable @QueryValue String limit) {
        Caller caller = Caller.of(authentication);
        ChainState filter = Params.oneOf("state", state, ChainState.class);
        return chains.list(filter, caller.role() == Role.BUYER ? caller.party() : null, Params.limit(limit));
    }

    @Get("/{id}")
    @Secured({"BUYER", "OPERATOR"})
    public HttpResponse<?> get(Authentication authentication, @PathVariable String id) {
        return visible(Caller.of(authentication), id).<HttpResponse<?>>map(HttpResponse::ok).orElseGet(() -> Problems.notFound("chain", id));
    }

    @Delete("/{id}")
    @Secured("BUYER")
    public HttpResponse<?> delete(Authentication authentication, @PathVariable String id) {
        Params.id("id", id);
        return chains.delete(id, Caller.of(authentication).party()).<HttpResponse<?>>map(v -> HttpResponse.status(HttpStatus.ACCEPTED).body(v))
                .orElseGet(() -> Problems.notFound("chain", id));
    }

    @Operation(summary = "Change a running chain", description = "Changes the bandwidth, latency bound or budget of an ACTIVE chain (fields left out stay as ordered). "
            + "If its hops and path still meet the change, capacity is re-reserved in place (200, the chain as changed); else the chain is re-selected and "
            + "switched make-before-break, recorded as a substitution triggered by the buyer (202, SUBSTITUTING, substitutionId; the changed order holds once "
            + "the new path is active). A change nothing can meet is refused and the chain runs on as it was. An Idempotency-Key already used for this "
            + "change answers the chain again (Idempotent-Replayed: true).")
    @RequestBody(required = true, description = "The change (chain-change.schema.json)", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ChainChange.class)))
    @ApiResponse(responseCode = "200", description = "Changed in place", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ChainView.class)))
    @ApiResponse(responseCode = "202", description = "Being switched to other hops (SUBSTITUTING); the substitution has trigger kind BUYER", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ChainView.class)))
    @ApiResponse(responseCode = "400", description = "Invalid body, id or Idempotency-Key: one entry per field at fault", content = @Content(mediaType = ApiDocumentation.PROBLEM, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "404", description = "No such chain (or another buyer's)", content = @Content(mediaType = ApiDocumentation.PROBLEM, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "409", description = "The chain is not ACTIVE (setting up, substituting, ending or ended)", content = @Content(mediaType = ApiDocumentation.PROBLEM, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "422", description = "No chain meets the change (constraint, hopIndex, chainId), or the Idempotency-Key named another change", content = @Content(mediaType = ApiDocumentation.PROBLEM, schema = @Schema(implementation = Problem.class)))
    @Patch(value = "/{id}", consumes = MediaType.APPLICATION_JSON)
    @Secured("BUYER")
    public HttpResponse<?> change(Authentication authentication, @PathVariable String id, @Nullable @Header(IDEMPOTENCY_KEY) String idempotencyKey,
                                  @Body byte[] body) {
        Caller buyer = Caller.of(authentication);
        Params.id("id", id);
        String key = IdempotencyKeys.check(idempotencyKey);
        ChainChange change = SchemaValidator.read(EventType.CHAIN_CHANGE_SCHEMA, body, ChainChange.class);
        if (visible(buyer, id).isEmpty()) {
            return Problems.notFound("chain", id);
        }
        if (!acks.awaitReady()) {
            return domainsUnheard();
        }
        ChainChanges.Outcome outcome;
        try {
            outcome = changes.change(id, change, buyer.party(), key);
        } catch (ChainChanges.KeyReused e) {
            return Problems.of(HttpStatus.UNPROCESSABLE_ENTITY, "idempotency-key-reused", "Idempotency-Key reused", e.getMessage(),
                    List.of(new FieldError(IDEMPOTENCY_KEY, "already names a change of chain " + e.chainId() + " with another body")), Map.of());
        }
        if (outcome.refused() != null) {
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("chainId", id);
            extra.putAll(rejectionFields(outcome.refused().constraint().name(), outcome.refused().hopIndex()));
            return Problems.of(HttpStatus.UNPROCESSABLE_ENTITY, "change-refused", "No chain meets the change",
                    outcome.refused().reason() + " The chain runs on as it was.", List.of(), extra);
        }
        MutableHttpResponse<ChainView> answer = HttpResponse.status(outcome.inPlace() ? HttpStatus.OK : HttpStatus.ACCEPTED).body(outcome.chain());
        return outcome.replayed() ? answer.header("Idempotent-Replayed", "true") : answer;
    }

    /** The chain if the caller may see it: a buyer only its own (another buyer's is as absent as an unknown one). */
    private Optional<ChainView> visible(Caller caller, String id) {
        Params.id("id", id);
        return chains.view(id).filter(c -> caller.role() != Role.BUYER || caller.isBuyer(c.buyerId()));
    }
}
