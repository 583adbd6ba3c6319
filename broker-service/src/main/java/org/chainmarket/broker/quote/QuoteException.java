package org.chainmarket.broker.quote;

/**
 * An order naming a quote that cannot be honoured: {@code status} 404 (unknown quote or point), 409 (its capacity was
 * taken or its prices changed) or 422 (expired, or the order is not the quoted one); the message says what changed.
 */
public class QuoteException extends RuntimeException {
    private final int status;
    private final String kind;

    public QuoteException(int status, String kind, String message) {
        super(message);
        this.status = status;
        this.kind = kind;
    }

    public int status() {
        return status;
    }

    /** The problem type's last segment (quote-not-found, quote-expired, quote-mismatch, quote-stale). */
    public String kind() {
        return kind;
    }
}
