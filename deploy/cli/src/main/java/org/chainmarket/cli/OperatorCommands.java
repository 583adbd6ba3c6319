package org.chainmarket.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import java.util.concurrent.Callable;

import static org.chainmarket.cli.ChainMarketCli.*;

/** The operator's commands: list, approve, roll back and acknowledge substitutions. */
final class OperatorCommands {
    private OperatorCommands() {
    }

    @Command(name = "substitutions", description = "Substitutions, newest first")
    static class Substitutions implements Callable<Integer> {
        @ParentCommand ChainMarketCli cli;
        @Option(names = "--chain") String chain;
        @Option(names = "--provider") String provider;
        @Option(names = "--status") String status;

        @Override
        public Integer call() {
            StringBuilder q = new StringBuilder("/api/v1/substitutions?limit=100");
            if (chain != null) {
                q.append("&chain=").append(enc(chain));
            }
            if (provider != null) {
                q.append("&provider=").append(enc(provider));
            }
            if (status != null) {
                q.append("&status=").append(enc(status));
            }
            cli.print(cli.api().get(q.toString()), substitutions());
            return 0;
        }
    }

    @Command(name = "approve", description = "Apply a PROPOSED substitution")
    static class Approve implements Callable<Integer> {
        @ParentCommand ChainMarketCli cli;
        @Parameters(paramLabel = "SUBSTITUTION") String id;

        @Override
        public Integer call() {
            cli.print(cli.api().post("/api/v1/substitutions/" + enc(id) + "/approve", null), substitutions());
            return 0;
        }
    }

    @Command(name = "rollback", description = "Move a chain back to the hops before a COMPLETED substitution")
    static class Rollback implements Callable<Integer> {
        @ParentCommand ChainMarketCli cli;
        @Parameters(paramLabel = "SUBSTITUTION") String id;

        @Override
        public Integer call() {
            cli.print(cli.api().post("/api/v1/substitutions/" + enc(id) + "/rollback", null), substitutions());
            return 0;
        }
    }

    @Command(name = "acknowledge", description = "Record an operator's acknowledgement of a substitution")
    static class Acknowledge implements Callable<Integer> {
        @ParentCommand ChainMarketCli cli;
        @Parameters(paramLabel = "SUBSTITUTION") String id;
        @Option(names = "--operator", description = "Operator name (default: the token's identity, where the broker has one)") String operator;

        @Override
        public Integer call() {
            ObjectNode body = Api.JSON.createObjectNode();
            if (operator != null) {
                body.put("operator", operator);
            }
            cli.print(cli.api().post("/api/v1/substitutions/" + enc(id) + "/acknowledge", body.toString()), substitutions());
            return 0;
        }
    }
}
