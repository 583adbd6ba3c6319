package org.chainmarket.broker.web;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.chainmarket.broker.security.Caller;
import org.chainmarket.broker.security.Role;
import org.chainmarket.broker.usage.UsageReport;
import org.chainmarket.broker.usage.UsageService;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/**
 * {@code GET /api/v1/usage?from&to}: a buyer's invoice lines (its own chains), a provider's revenue (its own offers),
 * or everything (an operator), over {@code [from, to)}; by default from the start of the current month (UTC) until now.
 */
@Tag(name = "usage")
@Controller("/api/v1/usage")
@ExecuteOn(TaskExecutors.BLOCKING)
public class UsageController {
    private final UsageService usage;

    public UsageController(UsageService usage) {
        this.usage = usage;
    }

    @Operation(summary = "Usage and invoice lines of a period", description = "Per chain, hop and offer: hours, Mbit/s x hours, and what they "
            + "cost (hours x price per hour + Mbit/s x hours x price per Mbit/s and hour, at the offer's prices when each usage segment opened), "
            + "less the SLA credit of the time its chain was over its latency bound (the price of that time on every hop, charged to the hop's "
            + "provider), with the credits per violation period and totals per chain, buyer, provider and offer (used, credit, owed); exact "
            + "decimals in EUR. A provider's new offer price applies to running chains from its moment, unless it would take a chain over its "
            + "budget. A buyer sees its own chains, a provider its own offers (its revenue per offer), an operator everything. A chain accrues "
            + "usage from activation until it ends or fails.")
    @ApiResponse(responseCode = "200", description = "The report", content = @Content(mediaType = "application/json", schema = @Schema(implementation = UsageReport.class)))
    @ApiResponse(responseCode = "400", description = "from or to not an ISO-8601 instant, or from not before to",
            content = @Content(mediaType = ApiDocumentation.PROBLEM, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "401", description = "No token or a bad one", content = @Content(mediaType = ApiDocumentation.PROBLEM, schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "403", description = "An admin account (usage is the buyers', providers' and operators')",
            content = @Content(mediaType = ApiDocumentation.PROBLEM, schema = @Schema(implementation = Problem.class)))
    @Get
    @Secured({"BUYER", "PROVIDER", "OPERATOR"})
    public UsageReport report(Authentication authentication,
                              @Parameter(description = "start of the period, ISO-8601 (default: the start of this month, UTC)") @Nullable @QueryValue String from,
                              @Parameter(description = "end of the period, exclusive, ISO-8601 (default: now)") @Nullable @QueryValue String to) {
        Caller caller = Caller.of(authentication);
        Instant end = to == null || to.isEmpty() ? usage.now() : instant("to", to);
        Instant start = from == null || from.isEmpty()
                ? end.atOffset(ZoneOffset.UTC).withDayOfMonth(1).truncatedTo(ChronoUnit.DAYS).toInstant() : instant("from", from);
        if (!start.isBefore(end)) {
            throw Params.invalid("from", "must be before to (" + end + ")");
        }
        UsageService.Scope scope = caller.role() == Role.BUYER ? UsageService.Scope.BUYER
                : caller.role() == Role.PROVIDER ? UsageService.Scope.PROVIDER : UsageService.Scope.ALL;
        return usage.report(scope, scope == UsageService.Scope.ALL ? null : caller.party(), start, end);
    }

    private static Instant instant(String name, String value) {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw Params.invalid(name, "must be an ISO-8601 instant such as 2026-03-01T00:00:00Z");
        }
    }
}
