/** End-to-end tests that buy chains through the broker on the namespace lab and prove them with real packets. */
package org.chainmarket.deploy.lab;
