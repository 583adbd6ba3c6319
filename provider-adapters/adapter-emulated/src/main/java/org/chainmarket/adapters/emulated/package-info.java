/** An in-process SDN domain with honest in-memory flow tables, for tests and scale runs (as ONOS's null providers). */
package org.chainmarket.adapters.emulated;
