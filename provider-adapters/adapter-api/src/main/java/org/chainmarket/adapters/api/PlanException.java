package org.chainmarket.adapters.api;

/** A command that cannot be carried out in a domain; the message is the acknowledgement's reason. */
public final class PlanException extends RuntimeException {
    public PlanException(String reason) {
        super(reason, null, false, false);
    }
}
