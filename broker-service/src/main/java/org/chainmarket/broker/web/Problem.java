package org.chainmarket.broker.web;

import io.swagger.v3.oas.annotations.media.Schema;
import org.chainmarket.schemas.events.FieldError;

import java.util.List;

/**
 * The shape of every error answer ({@code application/problem+json}, RFC 9457), as documented in the OpenAPI
 * document; {@link Problems} writes it. Some problems add members: an order's rejection names {@code constraint},
 * {@code hopIndex} and {@code chainId}.
 */
@Schema(name = "Problem", description = "RFC 9457 problem details")
public record Problem(
        @Schema(description = "URI naming the kind of problem", example = "https://chainmarket.org/problems/order-rejected") String type,
        @Schema(description = "Short summary of the kind of problem") String title,
        @Schema(description = "HTTP status code") int status,
        @Schema(description = "What went wrong with this request, in words a person understands") String detail,
        @Schema(description = "One entry per field at fault (JSON path and message)") List<FieldError> errors,
        @Schema(description = "For a rejected order or quote: the constraint no chain can meet", nullable = true) String constraint,
        @Schema(description = "For a rejected order or quote: the hop at fault (0-based), when one is", nullable = true) Integer hopIndex) {
}
