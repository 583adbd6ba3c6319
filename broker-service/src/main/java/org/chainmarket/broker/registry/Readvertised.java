package org.chainmarket.broker.registry;

import org.chainmarket.schemas.model.SubjectKind;

/**
 * An offer (kind {@code INSTANCE}) or a link ({@code LINK}, {@code NetLink.key}) that had been withdrawn is advertised
 * again and nothing else degrades it: chains left DEGRADED on it (nothing fitted them, or their move waits for an
 * operator's approval) run on it again.
 */
public record Readvertised(SubjectKind kind, String subjectId) {
}
