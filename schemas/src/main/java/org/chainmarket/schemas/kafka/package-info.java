/** The one partitioned Kafka consumer every hand-written consumer uses, and the Kafka client settings they share. */
package org.chainmarket.schemas.kafka;
