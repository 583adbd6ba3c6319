/** Benchmarks of the running marketplace, printing tables. */
package org.chainmarket.deploy.bench;
