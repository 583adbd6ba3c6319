/** Kafka plumbing of the broker: the producer, topic creation and the validate-or-dead-letter step every listener goes through. */
package org.chainmarket.broker.kafka;
