/** Fault tests: Kafka, PostgreSQL and the marketplace as separate processes, stopped, killed and restarted under load. */
package org.chainmarket.deploy.faults;
