package io.gatehouse.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testkit.Accounts;
import io.gatehouse.testkit.MariaDbServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web GUI of the admin port in a real headless Chromium (Debian's chromium and chromedriver, driven by
 * Selenium): an operator logs in, sees the three servers with the primary marked, traces a session's routing from
 * its page, runs a switchover from the monitor's page and sees the roles change (a failover with the primary up is
 * refused), sets and clears maintenance, reads the statement statistics, edits a service parameter and finds it
 * applied and persisted, and runs a query in the SQL editor. Screenshots of the pages go to docs/screenshots when the
 * test runs in the source tree. Private cluster (the switchover changes it); JUnit thread plus the writer thread; no
 * Netty buffers.
 */
class GuiBrowserTest extends ClusterOperationsBaseTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private WebDriver browser;

    /** A started headless Chromium; fails (never skips) with the install command when the packages are missing. */
    static WebDriver startBrowser() {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            throw new IllegalStateException(CHROMIUM + " or " + CHROMEDRIVER + " is not installed: run"
                    + " `apt-get install -y chromium chromium-driver` (scripts/install-deps.sh does it)");
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // --no-sandbox: the tests may run as root, where Chromium refuses its sandbox.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1440,1000", "--lang=en-US");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void logInSwitchOverEditAParameterAndQuery() throws Exception {
        browser = startBrowser();
        // Statement statistics on, for the statements page.
        start("", cnf -> cnf.replace("[maxscale]\n", "[maxscale]\nstatement_statistics=true\n"));
        try {
            walkThrough();
        } catch (Throwable t) {
            // What the page showed is the best clue to a failure here.
            t.addSuppressed(new AssertionError("the page at " + browser.getCurrentUrl() + " was:\n" + browser.getPageSource()));
            throw t;
        }
    }

    private void walkThrough() throws Exception {
        startWriter();
        MariaDbServer oldPrimary = cluster.primary();
        MariaDbServer newPrimary = cluster.replicas().get(0);
        String base = "http://127.0.0.1:" + gatehouse.admin().port();

        browser.get(base + "/");
        browser.findElement(By.id("login-user")).sendKeys("admin");
        browser.findElement(By.id("login-password")).sendKeys("wrong");
        browser.findElement(By.id("login-submit")).click();
        assertThat(waitFor(By.cssSelector(".login .msg.err")).getText()).contains("Wrong user name or password");
        browser.findElement(By.id("login-password")).clear();
        browser.findElement(By.id("login-password")).sendKeys("mariadb");
        browser.findElement(By.id("login-submit")).click();

        // Three servers, the primary marked as such.
        until("the dashboard shows three servers", () -> browser.findElements(By.cssSelector("#servers tr[data-server]")).size() == 3);
        until("the dashboard marks " + oldPrimary.name() + " primary", () -> roleOf(oldPrimary).equals("primary"));
        for (MariaDbServer r : cluster.replicas()) {
            until("the dashboard marks " + r.name() + " replica", () -> roleOf(r).equals("replica"));
        }
        // A few polls so that the charts have points: the writer's traffic, and reads through readwritesplit, whose
        // replies feed the servers' response-time distributions (the latency chart).
        try (io.gatehouse.protocol.client.BlockingClient reader = io.gatehouse.protocol.client.BlockingClient.connect(
                io.gatehouse.protocol.client.ClientOptions.tcp("127.0.0.1", gatehouse.port("Split-Listener"),
                        Accounts.APP_USER, Accounts.APP_PASSWORD))) {
            long end = System.nanoTime() + Duration.ofSeconds(8).toNanos();
            while (System.nanoTime() < end) {
                reader.query("SELECT COUNT(*) FROM test.ops");
                Thread.sleep(5);
            }
        }
        screenshot("dashboard");

        browser.get(base + "/#/topology");
        until("the topology graph shows the primary", () -> !browser.findElements(By.cssSelector(
                "g[data-node='" + oldPrimary.name() + "'][data-role='primary']")).isEmpty());
        until("the topology graph shows both replicas", () -> browser.findElements(By.cssSelector(
                "g[data-role='replica']")).size() == 2);
        screenshot("topology");

        // The writer's session, traced from its page: readconnroute's one connection, to the primary.
        long writerSession = gatehouse.runtime().sessions().snapshots().stream()
                .filter(x -> x.service().equals("Write-Service")).findFirst().orElseThrow().id();
        browser.get(base + "/#/dashboard");
        waitFor(By.cssSelector("a[href='#/sessions/" + writerSession + "']")).click();
        waitFor(By.id("trace-on")).click();
        until("traced statements are listed", () -> browser.findElements(By.cssSelector("tr.trace-entry")).size() >= 3);
        WebElement entry = browser.findElement(By.cssSelector("tr.trace-entry"));
        assertThat(entry.findElement(By.cssSelector(".rule")).getText())
                .startsWith("connection router readconnroute (router_options=master)");
        assertThat(entry.findElement(By.cssSelector(".target")).getText()).isEqualTo(oldPrimary.name());
        assertThat(entry.getText()).contains("INSERT INTO ops").contains("QUERY_OP_INSERT")
                .contains("candidate " + oldPrimary.name() + ": Master, Running");
        screenshot("session-trace");
        waitFor(By.id("trace-off")).click();
        waitFor(By.id("trace-on"));

        // Switchover from the monitor's page.
        browser.get(base + "/#/monitors/" + MONITOR);
        until("the monitor page lists its servers", () -> browser.findElements(By.cssSelector("tr[data-server]")).size() == 3);
        new Select(browser.findElement(By.id("switchover-target"))).selectByValue(newPrimary.name());
        browser.findElement(By.id("switchover-run")).click();
        WebElement result = new WebDriverWait(browser, Duration.ofSeconds(60)).until(d -> {
            List<WebElement> r = d.findElements(By.id("command-result"));
            return r.isEmpty() ? null : r.get(0);
        });
        assertThat(result.getText()).startsWith("switchover: ").contains(newPrimary.name());
        assertThat(result.getAttribute("class")).contains("ok");
        await(Duration.ofSeconds(20), () -> isMaster(newPrimary), newPrimary.name() + " is the primary");
        until("the monitor page marks " + newPrimary.name() + " primary", () -> roleOf(newPrimary).equals("primary"));
        until("the monitor page marks " + oldPrimary.name() + " replica", () -> roleOf(oldPrimary).equals("replica"));
        screenshot("switchover");
        // A failover while the primary runs is refused, and the page says why.
        browser.findElement(By.id("failover-run")).click();
        until("the failover's refusal is shown", () -> {
            List<WebElement> r = browser.findElements(By.id("command-result"));
            return !r.isEmpty() && r.get(0).getText().startsWith("failover failed: ");
        });
        assertThat(browser.findElement(By.id("command-result")).getAttribute("class")).contains("err");
        assertThat(browser.findElement(By.id("command-result")).getText()).contains("refused");
        assertThat(isMaster(newPrimary)).isTrue();
        browser.get(base + "/#/dashboard");
        until("the dashboard marks " + newPrimary.name() + " primary", () -> roleOf(newPrimary).equals("primary"));
        until("the dashboard marks " + oldPrimary.name() + " replica", () -> roleOf(oldPrimary).equals("replica"));

        // Maintenance from a server's page.
        MariaDbServer spare = cluster.replicas().get(1);
        browser.get(base + "/#/servers/" + spare.name());
        waitFor(By.id("maintenance-set")).click();
        assertThat(waitFor(By.id("command-result")).getText()).isEqualTo("maintenance set");
        assertThat(io.gatehouse.api.server.ServerStatus.has(status(spare), io.gatehouse.api.server.ServerStatus.MAINTENANCE))
                .isTrue();
        until("the page shows the maintenance state", () -> browser.findElement(By.cssSelector("td[data-fact='state']"))
                .getText().contains("Maintenance"));
        browser.findElement(By.id("maintenance-clear")).click();
        await(Duration.ofSeconds(10), () -> !io.gatehouse.api.server.ServerStatus.has(status(spare),
                io.gatehouse.api.server.ServerStatus.MAINTENANCE), spare.name() + " leaves maintenance");

        // The statement statistics: the writer's insert, counted on the new primary.
        browser.get(base + "/#/statistics");
        until("the statements page lists the writer's insert on " + newPrimary.name(), () -> browser.findElements(
                By.cssSelector("#statements tr")).stream().anyMatch(r -> r.getText().contains("INSERT INTO ops (id) VALUES (?)")
                && r.getText().contains(newPrimary.name())));
        screenshot("statements");

        // A parameter changed at runtime is applied and persisted.
        browser.get(base + "/#/services/Split-Service");
        WebElement input = waitFor(By.cssSelector("input[data-param='max_connections']"));
        input.clear();
        input.sendKeys("321");
        waitFor(By.cssSelector("button[data-save='max_connections']")).click();
        assertThat(waitFor(By.id("param-result")).getText()).isEqualTo("max_connections = 321: saved");
        assertThat(gatehouse.runtime().services().get("Split-Service").params().integer("max_connections")).isEqualTo(321);
        assertThat(Files.readString(dir.resolve("Split-Service.cnf"))).contains("max_connections=321");
        browser.navigate().refresh();
        until("the page, read again, shows the new value", () -> "321".equals(
                waitFor(By.cssSelector("input[data-param='max_connections']")).getAttribute("value")));
        // A value the proxy refuses is shown with the proxy's reason.
        WebElement bad = waitFor(By.cssSelector("input[data-param='max_connections']"));
        bad.clear();
        bad.sendKeys("many");
        waitFor(By.cssSelector("button[data-save='max_connections']")).click();
        until("the refusal is shown", () -> browser.findElement(By.id("param-result")).getAttribute("class").contains("err"));
        assertThat(browser.findElement(By.id("param-result")).getText()).contains("max_connections");
        screenshot("parameters");

        // The SQL editor, over /v1/sql, on the new primary.
        browser.get(base + "/#/sql");
        until("the SQL editor lists the servers as targets", () -> browser.findElements(
                By.cssSelector("#sql-target option")).size() >= 3);
        new Select(browser.findElement(By.id("sql-target"))).selectByValue("server: " + newPrimary.name());
        browser.findElement(By.id("sql-user")).sendKeys(Accounts.APP_USER);
        browser.findElement(By.id("sql-password")).sendKeys(Accounts.APP_PASSWORD);
        browser.findElement(By.id("sql-connect")).click();
        WebElement text = waitFor(By.id("sql-text"));
        text.clear();
        text.sendKeys("SELECT @@port AS port, @@read_only AS ro; SELECT COUNT(*) > 0 AS has_rows FROM test.ops");
        browser.findElement(By.id("sql-run")).click();
        until("two result tables", () -> browser.findElements(By.cssSelector(".sql-result table")).size() == 2);
        List<WebElement> tables = browser.findElements(By.cssSelector(".sql-result table"));
        assertThat(tables.get(0).getText()).containsIgnoringCase("port").contains(String.valueOf(newPrimary.port()));
        assertThat(tables.get(1).getText()).containsIgnoringCase("has_rows").contains("1");
        screenshot("sql-editor");
    }

    /** The role badge text of {@code s}'s row on the current page, or "" when the row is not there yet. */
    private String roleOf(MariaDbServer s) {
        List<WebElement> cells = browser.findElements(By.cssSelector("tr[data-server='" + s.name() + "'] td.role"));
        return cells.isEmpty() ? "" : cells.get(0).getText().trim();
    }

    private WebElement waitFor(By what) {
        return new WebDriverWait(browser, Duration.ofSeconds(15)).until(d -> {
            List<WebElement> found = d.findElements(what);
            return found.isEmpty() || !found.get(0).isDisplayed() ? null : found.get(0);
        });
    }

    private void until(String what, java.util.function.BooleanSupplier condition) {
        try {
            new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> condition.getAsBoolean());
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("timed out waiting until " + what, e);
        }
    }

    /** Saves the page as docs/screenshots/{@code name}.png of the source tree, when the test runs in one. */
    private void screenshot(String name) throws java.io.IOException {
        byte[] png = ((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
        assertThat(png).hasSizeGreaterThan(1000);
        Path docs = Path.of("").toAbsolutePath().resolveSibling("docs");
        if (Files.isDirectory(docs)) {
            Files.createDirectories(docs.resolve("screenshots"));
            Files.write(docs.resolve("screenshots").resolve(name + ".png"), png);
        }
    }
}
