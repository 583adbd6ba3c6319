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
        assertThat(defaults.service.clientOverrides(Map.of())).isEmpty();
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
        assertThat(s.service.clientOverrides(Map.of())).isEqualTo(Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512"));
    }

    @Test
    void aPrincipalsCredentialsComeFromTheEnvironmentAndTheKafkaPropertiesFileOverridesThem(@TempDir Path dir) throws Exception {
        String jaas = "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"adapter-west\" password=\"s3cret\";";
        Map<String, String> environment = Map.of("KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT", "KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
                "KAFKA_SASL_JAAS_CONFIG", jaas, "KAFKA_UNRELATED", "x");
        assertThat(parse().service.clientOverrides(environment)).isEqualTo(Map.of("security.protocol", "SASL_PLAINTEXT",
                "sasl.mechanism", "SCRAM-SHA-512", "sasl.jaas.config", jaas));

        Path kafka = dir.resolve("kafka.properties");
        Files.writeString(kafka, "security.protocol=SASL_SSL\n");
        assertThat(parse("--kafka-properties", kafka.toString()).service.clientOverrides(environment))
                .containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.jaas.config", jaas);
    }

    @Test
    void aKafkaPropertiesFileThatCannotBeReadIsNamed(@TempDir Path dir) {
        Path missing = dir.resolve("missing.properties");
        SomeService s = parse("--kafka-properties", missing.toString());
        assertThatThrownBy(() -> s.service.clientOverrides()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(missing.toString());
    }
}
