/** Quotes: the price/latency trade-offs of an order before buying, and orders that name a quote. */
package org.chainmarket.broker.quote;
