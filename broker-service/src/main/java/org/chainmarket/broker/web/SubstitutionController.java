package org.chainmarket.broker.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import org.chainmarket.broker.chain.SubstitutionService;
import org.chainmarket.schemas.model.Substitution;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Operators' API over substitutions: list them newest first (filter by chain, provider, trigger kind, status),
 * read one, approve a proposed one, roll back a completed one, acknowledge any.
 */
@Tag(name = "substitutions")
@Controller("/api/v1/substitutions")
@ExecuteOn(TaskExecutors.BLOCKING)
public class SubstitutionController {
    private final SubstitutionService substitutions;

    public SubstitutionController(SubstitutionService substitutions) {
        this.substitutions = substitutions;
    }

    @Operation(summary = "Substitutions, newest first", description = "Filters: chain, provider (of the trigger or any hop), trigger (INSTANCE, LINK, OPERATOR), status; limit 1-1000")
    @ApiResponse(responseCode = "200", description = "Substitutions", content = @Content(mediaType = "application/json", array = @ArraySchema(schema = @Schema(implementation = Substitution.class))))
    @ApiResponse(responseCode = "400", description = "Unknown status", content = @Content(mediaType = ApiDocumentation.PROBLEM, schema = @Schema(implementation = Problem.class)))
    @Get
    public List<Substitution> list(@Nullable @QueryValue String chain, @Nullable @QueryValue String provider,
                                   @Nullable @QueryValue String trigger, @Nullable @QueryValue String status,
                                   @QueryValue(defaultValue = "100") int limit) {
        return substitutions.substitutions(blankToNull(chain), blankToNull(provider),
                blankToNull(trigger) == null ? null : trigger.trim().toUpperCase(Locale.ROOT),
                blankToNull(status) == null ? null : Substitution.Status.valueOf(status.trim().toUpperCase(Locale.ROOT)),
                Math.max(1, Math.min(limit, 1000)));
    }

    @Operation(summary = "One substitution: trigger, before and after, changed hops, outcome")
    @ApiResponse(responseCode = "200", description = "The substitution", content = @Content(mediaType = "application/json", schema = @Schema(implementation = Substitution.class)))
    @ApiResponse(responseCode = "404", description = "Unknown substitution", content = @Content(mediaType = ApiDocumentation.PROBLEM, schema = @Schema(implementation = Problem.class)))
    @Get("/{id}")
    public HttpResponse<?> get(@PathVariable String id) {
        return substitutions.substitution(id).<HttpResponse<?>>map(HttpResponse::ok).orElseGet(() -> Problems.notFound("substitution", id));
    }

    @Operation(summary = "Apply a PROPOSED substitution")
    @ApiResponse(responseCode = "200", description = "Started", content = @Content(mediaType = "application/json", schema = @Schema(implementation = Substitution.class)))
    @ApiResponse(responseCode = "404", description = "Unknown substitution", content = @Content(mediaType = ApiDocumentation.PROBLEM, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "409", description = "Not PROPOSED", content = @Content(mediaType = ApiDocumentation.PROBLEM, schema = @Schema(implementation = Problem.class)))
    @Post("/{id}/approve")
    public Substitution approve(@PathVariable String id) {
        return substitutions.approve(id);
    }

    @Operation(summary = "Move the chain back to the hops before a COMPLETED substitution")
    @ApiResponse(responseCode = "200", description = "Roll-back started", content = @Content(mediaType = "application/json", schema = @Schema(implementation = Substitution.class)))
    @ApiResponse(responseCode = "404", description = "Unknown substitution", content = @Content(mediaType = ApiDocumentation.PROBLEM, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "409", description = "Old hops still degraded, or the chain changed since", content = @Content(mediaType = ApiDocumentation.PROBLEM, schema = @Schema(implementation = Problem.class)))
    @Post("/{id}/rollback")
    public Substitution rollback(@PathVariable String id) {
        return substitutions.rollback(id);
    }

    /** Body (optional): {@code {"operator": "alice"}}. */
    @Operation(summary = "Record an operator's acknowledgement", description = "Body (optional): {\"operator\": \"alice\"}")
    @ApiResponse(responseCode = "200", description = "Acknowledged", content = @Content(mediaType = "application/json", schema = @Schema(implementation = Substitution.class)))
    @ApiResponse(responseCode = "404", description = "Unknown substitution", content = @Content(mediaType = ApiDocumentation.PROBLEM, schema = @Schema(implementation = Problem.class)))
    @Post("/{id}/acknowledge")
    public Substitution acknowledge(@PathVariable String id, @Nullable @Body Map<String, String> body) {
        String operator = body == null ? null : body.get("operator");
        return substitutions.acknowledge(id, operator == null || operator.isBlank() ? "operator" : operator);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
