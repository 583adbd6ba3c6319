-- A buyer's change that needs other hops is a substitution triggered by the buyer; it brings the changed order into
-- force once the new path is active.
ALTER TABLE substitution ADD COLUMN order_after_json TEXT;

-- Idempotency-Key of a buyer's accepted change (PATCH /api/v1/chains/{id}), stored in the change's transaction.
CREATE TABLE chain_change (
    buyer_id        VARCHAR(128) NOT NULL,
    idempotency_key VARCHAR(255) NOT NULL,
    chain_id        VARCHAR(128) NOT NULL REFERENCES chain (id),
    change_json     TEXT         NOT NULL,
    created_at      TIMESTAMPTZ  NOT NULL,
    PRIMARY KEY (buyer_id, idempotency_key)
);

-- Usage: what each hop of a running chain used of one offer, at one bandwidth and price, from started_at until
-- ended_at (null while open). Written in the transaction of the chain's step that opens or closes it; amounts are
-- computed exactly from these columns.
CREATE TABLE usage_segment (
    id                  VARCHAR(64)    PRIMARY KEY,
    chain_id            VARCHAR(128)   NOT NULL REFERENCES chain (id),
    buyer_id            VARCHAR(128)   NOT NULL,
    hop_index           INTEGER        NOT NULL,
    vnf_type            VARCHAR(64)    NOT NULL,
    offer_id            VARCHAR(128)   NOT NULL,
    provider_id         VARCHAR(128)   NOT NULL,
    mbps                NUMERIC(20, 6) NOT NULL,
    price_per_hour      NUMERIC(20, 9) NOT NULL,
    price_per_mbps_hour NUMERIC(20, 9) NOT NULL,
    started_at          TIMESTAMPTZ    NOT NULL,
    ended_at            TIMESTAMPTZ,
    opened_by           VARCHAR(16)    NOT NULL,
    closed_by           VARCHAR(16),
    CONSTRAINT usage_segment_ordered CHECK (ended_at IS NULL OR ended_at >= started_at)
);
CREATE INDEX usage_segment_open ON usage_segment (chain_id) WHERE ended_at IS NULL;
CREATE INDEX usage_segment_by_buyer ON usage_segment (buyer_id, started_at);
CREATE INDEX usage_segment_by_provider ON usage_segment (provider_id, started_at);
