package org.chainmarket.deploy.faults;

import com.sun.net.httpserver.HttpServer;
import org.chainmarket.deploy.Marketplace;
import org.chainmarket.deploy.demo.DemoMarket;
import org.chainmarket.schemas.events.Json;
import org.chainmarket.schemas.model.ChainId;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;

/**
 * The demo marketplace ({@link Marketplace} on Abilene, as the launcher runs it) as a process of its own, with a
 * read-only view of its emulated domains for the fault tests: {@code MarketplaceMain <api-port> <status-port>
 * [data-dir]}. Kafka and PostgreSQL are the ones named by the system properties {@code kafka.bootstrap.servers} and
 * {@code datasources.default.*}, or, without them, embedded and kept in {@code data-dir}. {@code GET /status} on the
 * status port answers the database's JDBC URL and, for each provider, the chains its domain carries flow entries
 * for and how many commands it applied since this process started. It writes {@value #READY} once the marketplace is up; SIGTERM stops it as the launcher's Ctrl-C does.
 */
public final class MarketplaceMain {
    static final String READY = "marketplace up";

    private MarketplaceMain() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> properties = new HashMap<>();
        properties.put("micronaut.server.port", args[0]);
        properties.put("micronaut.server.host", "127.0.0.1");
        if (args.length > 2) {
            properties.put(Marketplace.DATA_DIR, args[2]);
        }
        Marketplace market = Marketplace.start(DemoMarket.abilene(), properties);
        String jdbcUrl = market.brokerContext().getRequiredProperty("datasources.default.url", String.class);
        HttpServer status = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(args[1])), 0);
        status.createContext("/status", exchange -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("jdbcUrl", jdbcUrl);
            Map<String, Object> carried = new TreeMap<>();
            market.domains().forEach((provider, domain) ->
                    carried.put(provider.value(), new TreeSet<>(domain.chains().stream().map(ChainId::value).toList())));
            body.put("domains", carried);
            Map<String, Object> applied = new TreeMap<>();
            market.domains().forEach((provider, domain) -> applied.put(provider.value(), domain.appliedCommands()));
            body.put("appliedCommands", applied);
            byte[] bytes = Json.bytes(body);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        status.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            status.stop(0);
            market.close();
            stopped.countDown();
        }, "marketplace-shutdown"));
        System.out.println(READY + " on " + market.url());
        stopped.await();
    }
}
