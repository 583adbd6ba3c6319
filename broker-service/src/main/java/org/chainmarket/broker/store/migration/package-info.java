/** Flyway migrations that need the broker's own model (Java), beside the SQL ones in {@code db/migration}. */
package org.chainmarket.broker.store.migration;
