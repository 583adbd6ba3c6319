/** Benchmarks and paper 003's redirection experiment, run against a whole marketplace; each prints a table. */
package org.chainmarket.deploy.experiments;
