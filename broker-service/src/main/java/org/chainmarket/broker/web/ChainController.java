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
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import org.chainmarket.broker.chain.ChainService;
import org.chainmarket.broker.chain.ChainView;
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
@Controller("/api/v1/chains")
@ExecuteOn(TaskExecutors.BLOCKING)
public class ChainController {
    private final ChainService chains;

    public ChainController(ChainService chains) {
        this.chains = chains;
    }

    @Post(consumes = MediaType.APPLICATION_JSON)
    public HttpResponse<?> order(@Body byte[] body) {
        ChainOrder order = SchemaValidator.read(EventType.CHAIN_ORDER_SCHEMA, body, ChainOrder.class);
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

    @Get
    public List<ChainView> list(@QueryValue(defaultValue = "") String state, @QueryValue(defaultValue = "100") int limit) {
        ChainState filter = state.isBlank() ? null : ChainState.valueOf(state.trim().toUpperCase(java.util.Locale.ROOT));
        return chains.list(filter, Math.max(1, Math.min(limit, 1000)));
    }

    @Get("/{id}")
    public HttpResponse<?> get(@PathVariable String id) {
        ChainId.of(id);
        return chains.view(id).<HttpResponse<?>>map(HttpResponse::ok).orElseGet(() -> Problems.notFound("chain", id));
    }

    @Delete("/{id}")
    public HttpResponse<?> delete(@PathVariable String id) {
        ChainId.of(id);
        return chains.delete(id).<HttpResponse<?>>map(v -> HttpResponse.status(HttpStatus.ACCEPTED).body(v))
                .orElseGet(() -> Problems.notFound("chain", id));
    }
}
