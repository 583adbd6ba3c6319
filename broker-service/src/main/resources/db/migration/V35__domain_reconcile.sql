-- Reconciliation with the domains. What each domain last said it holds of each chain (a state report or the answer
-- to a reconciliation command), on the domain's clock (reported_at) and the broker's (received_at); a newer word
-- replaces an older one.
CREATE TABLE domain_report (
    chain_id          VARCHAR(128) NOT NULL,
    provider_id       VARCHAR(128) NOT NULL,
    holds             BOOLEAN      NOT NULL,
    flow_entries_json TEXT         NOT NULL,
    reported_at       TIMESTAMPTZ  NOT NULL,
    received_at       TIMESTAMPTZ  NOT NULL,
    source            VARCHAR(16)  NOT NULL,
    PRIMARY KEY (chain_id, provider_id)
);

-- The commands reconciliation sent (re-installs of what an ACTIVE chain missed, removals of orphans) and their
-- answers: a report is compared with the newest of a chain's commands, so one that raced with them changes nothing.
CREATE TABLE reconcile_command (
    command_id  VARCHAR(64)  PRIMARY KEY,
    chain_id    VARCHAR(128) NOT NULL,
    provider_id VARCHAR(128) NOT NULL,
    operation   VARCHAR(16)  NOT NULL,
    report_id   VARCHAR(255) NOT NULL,
    created_at  TIMESTAMPTZ  NOT NULL,
    answered_at TIMESTAMPTZ,
    success     BOOLEAN,
    reason      TEXT
);
CREATE INDEX reconcile_command_by_chain ON reconcile_command (chain_id, provider_id, created_at);
