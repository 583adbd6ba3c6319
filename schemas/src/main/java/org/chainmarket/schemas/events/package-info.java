/** Topics, CloudEvents headers, JSON serde, schema validation and dead-lettering shared by every producer and consumer. */
package org.chainmarket.schemas.events;
