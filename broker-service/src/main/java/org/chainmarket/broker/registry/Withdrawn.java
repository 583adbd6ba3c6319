package org.chainmarket.broker.registry;

import org.chainmarket.schemas.model.SubjectKind;
import org.chainmarket.schemas.model.Substitution;

import java.time.Instant;
import java.util.List;

/**
 * An offer (kind {@code INSTANCE}) or a link ({@code LINK}, {@code NetLink.key}) left the market: its provider
 * withdrew it or itself. No new chain selects it; the chains on it are drained (moved make-before-break).
 */
public record Withdrawn(SubjectKind kind, String subjectId, String providerId) {
    /** The substitutions' trigger of a withdrawal: no metric, fatal (a withdrawn subject keeps no chain). */
    public Substitution.Trigger trigger(Instant at) {
        return new Substitution.Trigger(kind, subjectId, providerId, null, null, null, true, at, List.of());
    }
}
