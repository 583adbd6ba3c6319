/** The provider registry: advertised domains and offers in PostgreSQL, and the in-memory market read model selection runs on. */
package org.chainmarket.broker.registry;
