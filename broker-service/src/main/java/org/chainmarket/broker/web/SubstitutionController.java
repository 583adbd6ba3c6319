package org.chainmarket.broker.web;

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
@Controller("/api/v1/substitutions")
@ExecuteOn(TaskExecutors.BLOCKING)
public class SubstitutionController {
    private final SubstitutionService substitutions;

    public SubstitutionController(SubstitutionService substitutions) {
        this.substitutions = substitutions;
    }

    @Get
    public List<Substitution> list(@Nullable @QueryValue String chain, @Nullable @QueryValue String provider,
                                   @Nullable @QueryValue String trigger, @Nullable @QueryValue String status,
                                   @QueryValue(defaultValue = "100") int limit) {
        return substitutions.substitutions(blankToNull(chain), blankToNull(provider),
                blankToNull(trigger) == null ? null : trigger.trim().toUpperCase(Locale.ROOT),
                blankToNull(status) == null ? null : Substitution.Status.valueOf(status.trim().toUpperCase(Locale.ROOT)),
                Math.max(1, Math.min(limit, 1000)));
    }

    @Get("/{id}")
    public HttpResponse<?> get(@PathVariable String id) {
        return substitutions.substitution(id).<HttpResponse<?>>map(HttpResponse::ok).orElseGet(() -> Problems.notFound("substitution", id));
    }

    @Post("/{id}/approve")
    public Substitution approve(@PathVariable String id) {
        return substitutions.approve(id);
    }

    @Post("/{id}/rollback")
    public Substitution rollback(@PathVariable String id) {
        return substitutions.rollback(id);
    }

    /** Body (optional): {@code {"operator": "alice"}}. */
    @Post("/{id}/acknowledge")
    public Substitution acknowledge(@PathVariable String id, @Nullable @Body Map<String, String> body) {
        String operator = body == null ? null : body.get("operator");
        return substitutions.acknowledge(id, operator == null || operator.isBlank() ? "operator" : operator);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
