/** Demo data: a real topology split among providers that advertise VNF offers at their sites. */
package org.chainmarket.deploy.demo;
