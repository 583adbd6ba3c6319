/** What every service's program shares: its common options, configuration from command line, environment and file; health; stop on SIGTERM. */
package org.chainmarket.schemas.process;
