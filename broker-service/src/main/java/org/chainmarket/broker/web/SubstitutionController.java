package org.chainmarket.broker.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import org.chainmarket.broker.chain.OperationConflictException;
import org.chainmarket.broker.chain.SubstitutionService;
import org.chainmarket.broker.security.Caller;
import org.chainmarket.broker.security.Forbidden;
import org.chainmarket.broker.security.OperatorActions;
import org.chainmarket.schemas.events.FieldError;
import org.chainmarket.schemas.model.Substitution;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Operators' API over substitutions: list them newest first (filter by chain, provider, trigger kind, status),
 * read one, approve a proposed one, roll back a completed one, acknowledge any. Only operators call it; each
 * action is attributed to the token's operator and logged ({@code GET …/{id}/actions}).
 */
@Controller("/api/v1/substitutions")
@ExecuteOn(TaskExecutors.BLOCKING)
@Secured("OPERATOR")
public class SubstitutionController {
    /** The trigger kinds a filter may name. */
    enum TriggerKind { INSTANCE, LINK, OPERATOR, BUYER, PLACEMENT, SLA }

    private final SubstitutionService substitutions;
    private final OperatorActions actions;

    public SubstitutionController(SubstitutionService substitutions, OperatorActions actions) {
        this.substitutions = substitutions;
        this.actions = actions;
    }

    @Get
    public List<Substitution> list(@Nullable @QueryValue String chain, @Nullable @QueryValue String provider,
                                   @Nullable @QueryValue String trigger, @Nullable @QueryValue String status,
                                   @Nullable @QueryValue String limit) {
        TriggerKind kind = Params.oneOf("trigger", trigger, TriggerKind.class);
        return substitutions.substitutions(Params.optionalId("chain", chain), Params.optionalId("provider", provider),
                kind == null ? null : kind.name(), Params.oneOf("status", status, Substitution.Status.class), Params.limit(limit));
    }

    @Get("/{id}")
    public HttpResponse<?> get(@PathVariable String id) {
        Params.id("id", id);
        return substitutions.substitution(id).<HttpResponse<?>>map(HttpResponse::ok).orElseGet(() -> Problems.notFound("substitution", id));
    }

    /** What operators did to this substitution, oldest first, with who did it. */
    @Get("/{id}/actions")
    public HttpResponse<?> actions(@PathVariable String id) {
        Params.id("id", id);
        if (substitutions.substitution(id).isEmpty()) {
            return Problems.notFound("substitution", id);
        }
        return HttpResponse.ok(actions.of(id));
    }

    @Post("/{id}/approve")
    public Substitution approve(Authentication authentication, @PathVariable String id) {
        return logged(Caller.of(authentication), "approve", id, () -> substitutions.approve(id));
    }

    @Post("/{id}/rollback")
    public Substitution rollback(Authentication authentication, @PathVariable String id) {
        return logged(Caller.of(authentication), "rollback", id, () -> substitutions.rollback(id));
    }

    /** The acknowledging operator is the token's; a body (optional) may only repeat it: {@code {"operator": "alice"}}. */
    @Post("/{id}/acknowledge")
    public Substitution acknowledge(Authentication authentication, @PathVariable String id, @Nullable @Body byte[] body) {
        Caller operator = Caller.of(authentication);
        if (body != null && body.length > 0) {
            JsonNode json = Bodies.object(body);
            List<FieldError> errors = new ArrayList<>();
            String named = Bodies.optionalText(json, "operator", errors);
            Bodies.only(json, List.of("operator"), errors);
            Bodies.check("acknowledgement", errors);
            if (named != null && !named.equals(operator.username())) {
                throw new Forbidden("You acknowledge as '" + operator.username() + "' (your token's).",
                        List.of(new FieldError("$.operator", "must be '" + operator.username() + "', your account, or absent")));
            }
        }
        return logged(operator, "acknowledge", id, () -> substitutions.acknowledge(id, operator.username()));
    }

    /** Runs an operator's action on an existing substitution and logs it with its outcome. */
    private Substitution logged(Caller operator, String action, String id, Supplier<Substitution> run) {
        Params.id("id", id);
        try {
            Substitution done = run.get();
            actions.record(operator, action, id, HttpStatus.OK.getCode(), null);
            return done;
        } catch (OperationConflictException e) {
            actions.record(operator, action, id, HttpStatus.CONFLICT.getCode(), e.getMessage());
            throw e;
        }
    }
}
