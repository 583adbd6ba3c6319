/** Connects one provider's {@link org.chainmarket.adapters.api.PathProvider} to the marketplace's Kafka topics. */
package org.chainmarket.adapters.runner;
