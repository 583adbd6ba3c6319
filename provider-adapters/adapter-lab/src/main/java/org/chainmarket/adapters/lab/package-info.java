/** A reproducible lab of network namespaces (an Open vSwitch provider, a Linux SRv6 provider, hosts and VNFs) for real-packet tests, demos and benchmarks. */
package org.chainmarket.adapters.lab;
