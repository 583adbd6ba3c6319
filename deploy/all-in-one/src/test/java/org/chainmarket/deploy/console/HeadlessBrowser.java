package org.chainmarket.deploy.console;

import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.chromium.ChromiumDriverLogLevel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Headless Chromium driven through WebDriver, for the operator console's browser tests: Debian's {@code chromium}
 * and {@code chromium-driver} (the driver is given explicitly, so Selenium Manager never runs and nothing is
 * downloaded), a profile of its own that {@link #close()} deletes, the driver's log in
 * {@code target/chromedriver-<name>.log}. Where either package is missing, {@link #missing()} says so and the tests
 * skip with that reason.
 */
public final class HeadlessBrowser implements AutoCloseable {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    /**
     * The tests use WebDriver only, not the DevTools protocol: Selenium's warning that it has no CDP binding for this
     * Chromium version is noise.
     */
    private static final List<Logger> QUIET = List.of(Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder"),
            Logger.getLogger("org.openqa.selenium.chromium.ChromiumDriver"));

    private final Path profile;
    private final ChromeDriverService service;
    private final WebDriver driver;

    private HeadlessBrowser(Path profile, ChromeDriverService service, WebDriver driver) {
        this.profile = profile;
        this.service = service;
        this.driver = driver;
    }

    /** Why the browser tests cannot run here, or null when Chromium and its driver are installed. */
    public static String missing() {
        if (!Files.isExecutable(CHROMIUM)) {
            return CHROMIUM + " is missing: install Debian's 'chromium' package to run the console's browser tests";
        }
        if (!Files.isExecutable(CHROMEDRIVER)) {
            return CHROMEDRIVER + " is missing: install Debian's 'chromium-driver' package to run the console's browser tests";
        }
        return null;
    }

    /** Starts the browser (a 1600×1500 window) with a fresh profile; {@code name} names its driver's log. */
    public static HeadlessBrowser start(String name) throws IOException {
        QUIET.forEach(l -> l.setLevel(Level.SEVERE));
        Path profile = Files.createTempDirectory(name + "-chromium-");
        Files.createDirectories(Path.of("target"));
        System.setProperty(ChromeDriverService.CHROME_DRIVER_EXE_PROPERTY, CHROMEDRIVER.toString());
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort()
                .withLogLevel(ChromiumDriverLogLevel.WARNING).withLogFile(Path.of("target", "chromedriver-" + name + ".log").toFile()).build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + profile, "--window-size=1600,1500");
        try {
            return new HeadlessBrowser(profile, service, new ChromeDriver(service, options));
        } catch (RuntimeException e) {
            service.stop();
            delete(profile);
            throw e;
        }
    }

    public WebDriver driver() {
        return driver;
    }

    /** Fills in the console's sign-in form and submits it. */
    public void signIn(String username, String password) {
        WebElement name = driver.findElement(By.id("login-username"));
        name.clear();
        name.sendKeys(username);
        WebElement secret = driver.findElement(By.id("login-password"));
        secret.clear();
        secret.sendKeys(password);
        driver.findElement(By.id("login-submit")).click();
    }

    /** Quits the browser, stops its driver and deletes the profile. */
    @Override
    public void close() throws IOException {
        try {
            driver.quit();
        } finally {
            service.stop();
            delete(profile);
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
