package org.chainmarket.broker.registry;

import org.chainmarket.schemas.model.SubjectKind;
/**
 * An offer (kind {@code INSTANCE}) or a link ({@code LINK}, {@code NetLink.key}) left the market: its provider
 * withdrew it or itself. No new chain selects it; the chains on it are drained (moved make-before-break).
 */
public record Withdrawn(SubjectKind kind, String subjectId, String providerId) {
}
