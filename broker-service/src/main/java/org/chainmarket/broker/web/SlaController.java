package org.chainmarket.broker.web;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.chainmarket.broker.chain.ChainService;
import org.chainmarket.broker.security.Caller;
import org.chainmarket.broker.security.Role;
import org.chainmarket.broker.sla.SlaReport;
import org.chainmarket.broker.sla.SlaService;
import org.chainmarket.broker.sla.SlaSummary;

import java.util.List;

/**
 * {@code GET /api/v1/chains/{id}/sla}: the chain's latency bound against what was measured, and its violation periods;
 * {@code GET /api/v1/sla}: the chains that have violation periods, in brief.
 */
@Tag(name = "chains")
@Controller("/api/v1")
@ExecuteOn(TaskExecutors.BLOCKING)
public class SlaController {
    private final ChainService chains;
    private final SlaService sla;

    public SlaController(ChainService chains, SlaService sla) {
        this.chains = chains;
        this.sla = sla;
    }

    @Operation(summary = "A chain's SLA record", description = "The order's latency bound, the predicted latency and (while the chain runs) the "
            + "end-to-end latency measured from monitoring's link and instance context along its path, whether it is over the bound now, and every "
            + "period it was, with duration and worst value. A buyer reads its own chains, an operator every chain.")
    @ApiResponse(responseCode = "200", description = "The SLA record", content = @Content(mediaType = "application/json", schema = @Schema(implementation = SlaReport.class)))
    @ApiResponse(responseCode = "400", description = "Malformed id", content = @Content(mediaType = ApiDocumentation.PROBLEM, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "404", description = "No such chain (or another buyer's)", content = @Content(mediaType = ApiDocumentation.PROBLEM, schema = @Schema(implementation = Problem.class)))
    @Get("/chains/{id}/sla")
    @Secured({"BUYER", "OPERATOR"})
    public HttpResponse<?> sla(Authentication authentication, @PathVariable String id) {
        Caller caller = Caller.of(authentication);
        Params.id("id", id);
        return chains.view(id).filter(c -> caller.role() != Role.BUYER || caller.isBuyer(c.buyerId()))
                .<HttpResponse<?>>map(c -> HttpResponse.ok(sla.report(c))).orElseGet(() -> Problems.notFound("chain", id));
    }

    @Operation(summary = "The chains with SLA violations", description = "Every chain that was over its latency bound at some time, the most "
            + "recently violated first: whether it is over the bound now, how many periods and how long in all, its worst measured latency. "
            + "A buyer reads its own chains, an operator every chain. A chain not listed has kept its bound.")
    @ApiResponse(responseCode = "200", description = "The chains' SLA records in brief",
            content = @Content(mediaType = "application/json", array = @ArraySchema(schema = @Schema(implementation = SlaSummary.class))))
    @ApiResponse(responseCode = "400", description = "limit not an integer from 1 to 1000",
            content = @Content(mediaType = ApiDocumentation.PROBLEM, schema = @Schema(implementation = Problem.class)))
    @Get("/sla")
    @Secured({"BUYER", "OPERATOR"})
    public List<SlaSummary> summaries(Authentication authentication,
                                      @Parameter(description = "at most this many chains, 1-1000 (default 100)") @Nullable @QueryValue String limit) {
        Caller caller = Caller.of(authentication);
        return sla.summaries(caller.role() == Role.BUYER ? caller.party() : null, Params.limit(limit));
    }
}
