/** Real single-node Kafka (KRaft) and PostgreSQL 17 servers started inside the JVM, for the all-in-one run and tests. */
package org.chainmarket.deploy.embedded;
