/** Sharing one database between broker replicas: which replica runs the cluster-wide sweeps. */
package org.chainmarket.broker.cluster;
