/** What every service process shares: configuration from command line, environment and file; health; stop on SIGTERM. */
package org.chainmarket.schemas.process;
