/** The broker's meters (Micrometer, scraped at /prometheus) and the few places that feed them. */
package org.chainmarket.broker.metrics;
