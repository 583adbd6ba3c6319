/** Whether PostgreSQL answers: failures that say it is unreachable, the gate that answers 503 while it is, and the probe that reopens it. */
package org.chainmarket.broker.store;
