/** The whole marketplace in one JVM: embedded Kafka and PostgreSQL (unless configured), the broker, and emulated provider domains. */
package org.chainmarket.deploy;
