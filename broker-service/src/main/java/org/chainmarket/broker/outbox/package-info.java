/** Transactional outbox and idempotent-consumer bookkeeping: events leave with the state that caused them, and are applied once. */
package org.chainmarket.broker.outbox;
