/** Reconciliation with the domains: their state reports set against what chains need there, and what the broker does about the difference. */
package org.chainmarket.broker.reconcile;
