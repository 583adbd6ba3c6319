/** Browser tests of the broker's operator console, in headless Chromium driven by Selenium. */
package org.chainmarket.deploy.console;
