package org.chainmarket.broker.chain;

/** An operation that the resource's current state does not allow (answered 409); the message says why. */
public class OperationConflictException extends RuntimeException {
    public OperationConflictException(String message) {
        super(message);
    }
}
