/** Checks that the Kubernetes manifests and the compose file parse against their models and fit the marketplace. */
package org.chainmarket.deploy.kubernetes;
