package org.chainmarket.schemas.process;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The options every service shares, read as a service reads them ({@link ServiceProcess#configure}). */
class ServiceOptionsTest {
    @CommandLine.Command(name = "some-service")
    static final class SomeService implements Callable<Integer> {
        @CommandLine.Mixin
        ServiceOptions service = new ServiceOptions(8099);

        @Override
        public Integer call() {
            return 0;
        }
    }

    private static SomeService parse(String... args) {
        SomeService s = new SomeService();
        ServiceProcess.configure(s, "SOME_SERVICE_TEST", args).parseArgs(args);
        return s;
    }

    @Test
    void eachServiceKeepsItsOwnHealthPortUnlessConfigured() {
        SomeService defaults = parse();
        assertThat(defaults.service.healthPort()).isEqualTo(8099);
        assertThat(defaults.service.clientOverrides()).isEmpty();
        assertThat(new CommandLine(new SomeService()).getUsageMessage()).contains("default: 8099");
        assertThat(parse("--health-port", "-1").service.healthPort()).isEqualTo(-1);
    }

    @Test
    void theConfigurationFileSetsOptionsAndTheKafkaPropertiesFileTheClientsSettings(@TempDir Path dir) throws Exception {
        Path kafka = dir.resolve("kafka.properties");
        Files.writeString(kafka, "security.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-512\n");
        Path config = dir.resolve("service.properties");
        Files.writeString(config, "bootstrap-servers=kafka-1:9093\nhealth-port=0\nkafka-properties=" + kafka + "\n");

        SomeService s = parse("--config", config.toString(), "--health-port", "9000");

        assertThat(s.service.bootstrapServers()).isEqualTo("kafka-1:9093");
        assertThat(s.service.healthPort()).as("the command line before the file").isEqualTo(9000);
        assertThat(s.service.clientOverrides()).isEqualTo(Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512"));
    }

    @Test
    void aKafkaPropertiesFileThatCannotBeReadIsNamed(@TempDir Path dir) {
        Path missing = dir.resolve("missing.properties");
        SomeService s = parse("--kafka-properties", missing.toString());
        assertThatThrownBy(() -> s.service.clientOverrides()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(missing.toString());
    }
}
