/** Seeded problem generators and the operator's capacity check, shared by the tests and the benchmark module. */
package org.chainmarket.selection.testing;
