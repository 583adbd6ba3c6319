/** SLA records: each running chain's measured end-to-end latency against its order's bound, and the periods it was violated. */
package org.chainmarket.broker.sla;
