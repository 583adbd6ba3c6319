/** The Kafka service around the core: consumer group, validation and dead letters, context and degradation publishing, main. */
package org.chainmarket.monitoring.service;
