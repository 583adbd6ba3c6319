/** The broker service: northbound REST API, provider registry, chain orchestration over Kafka and PostgreSQL. */
package org.chainmarket.broker;
