package org.chainmarket.schemas.model;

/**
 * What a degradation or a substitution's trigger is about: a VNF {@code INSTANCE} (subject id: its offer id), a
 * {@code LINK} (subject id: its link key {@code a|b}), or an {@code OPERATOR}'s action (a roll-back; subject id: the
 * substitution rolled back), or a {@code BUYER}'s change of its chain that the hops in place could not meet (subject
 * id: the chain), or the {@code PLACEMENT} service draining an instance it stops or moves (subject id: its offer id),
 * or an {@code SLA} violation: the chain's measured end-to-end latency stayed over its order's bound (subject id: the
 * part that contributed most, {@code "link a|b"} or {@code "instance <offer id>"}, as the chain's SLA record names it).
 * A degradation is only ever about an instance or a link (its schema says so).
 */
public enum SubjectKind {
    INSTANCE, LINK, OPERATOR, BUYER, PLACEMENT, SLA;

    /** What chains hold of such a subject: a placement drain is about an instance. */
    public SubjectKind held() {
        return this == PLACEMENT ? INSTANCE : this;
    }
}
