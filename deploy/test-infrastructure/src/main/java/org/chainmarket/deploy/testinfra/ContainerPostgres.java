package org.chainmarket.deploy.testinfra;

import org.chainmarket.deploy.embedded.Ports;
import org.chainmarket.deploy.embedded.EmbeddedKafka;
import org.chainmarket.deploy.embedded.EmbeddedPostgres;
import org.chainmarket.deploy.embedded.PostgresServer;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

import java.time.Duration;
import java.util.Map;

/**
 * PostgreSQL 17 with a database {@value EmbeddedPostgres#DATABASE}, in a container from {@value #IMAGE} on the host's
 * network, listening on a free loopback port; fsync and synchronous commit off and its cluster in the container's
 * memory (tmpfs), as the embedded test server: nothing in it outlives the container.
 */
public final class ContainerPostgres implements PostgresServer {
    public static final String IMAGE = "chainmarket-postgres:0.1.0";
    private static final String USER = "postgres";
    private final GenericContainer<?> container;
    private final int port;
    private final String password;

    private ContainerPostgres(GenericContainer<?> container, int port, String password) {
        this.container = container;
        this.port = port;
        this.password = password;
    }

    /** Starts a server in a new container and waits until it takes connections. */
    @SuppressWarnings("resource")
    public static ContainerPostgres start() {
        int port = Ports.free();
        String password = EmbeddedKafka.newPassword();
        GenericContainer<?> c = new GenericContainer<>(DockerImageName.parse(IMAGE))
                .withNetworkMode("host")
                .withLabel(TestInfrastructure.LABEL, "postgres")
                .withTmpFs(Map.of("/var/lib/postgresql/tmpfs", "rw,mode=1777"))
                .withEnv(Map.of("PGDATA", "/var/lib/postgresql/tmpfs/data", "PGPORT", String.valueOf(port),
                        "POSTGRES_LISTEN", "127.0.0.1", "POSTGRES_USER", USER, "POSTGRES_PASSWORD", password,
                        "POSTGRES_DB", EmbeddedPostgres.DATABASE, "POSTGRES_FSYNC", "off", "POSTGRES_SYNCHRONOUS_COMMIT", "off"))
                .waitingFor(Wait.forLogMessage(".*database system is ready to accept connections.*", 1)
                        .withStartupTimeout(Duration.ofMinutes(2)));
        c.start();
        return new ContainerPostgres(c, port, password);
    }

    @Override
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + EmbeddedPostgres.DATABASE;
    }

    @Override
    public String username() {
        return USER;
    }

    @Override
    public String password() {
        return password;
    }

    /** The container's id on the Docker engine. */
    public String containerId() {
        return container.getContainerId();
    }

    public boolean isRunning() {
        return container.isRunning();
    }

    /** Stops and removes the container (the cluster with it). */
    @Override
    public void close() {
        container.stop();
    }
}
