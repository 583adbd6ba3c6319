/** The ingest benchmark: sustained samples per second end to end over a real Kafka broker. */
package org.chainmarket.monitoring.bench;
