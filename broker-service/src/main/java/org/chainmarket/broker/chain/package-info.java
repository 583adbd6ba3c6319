/** Chain orchestration: order, select, reserve, deliver through the domains (a saga over Kafka), watch acknowledgements and deadlines, tear down. */
package org.chainmarket.broker.chain;
