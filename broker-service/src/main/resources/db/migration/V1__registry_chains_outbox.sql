-- Registry: what providers advertised. The advertisement itself is kept as JSON; the columns selection
-- and reservation need are broken out.
CREATE TABLE provider (
    id          VARCHAR(128) PRIMARY KEY,
    name        VARCHAR(200) NOT NULL,
    domain_json TEXT         NOT NULL,
    withdrawn   BOOLEAN      NOT NULL DEFAULT FALSE,
    updated_at  TIMESTAMPTZ  NOT NULL
);

CREATE TABLE offer (
    id               VARCHAR(128)     PRIMARY KEY,
    provider_id      VARCHAR(128)     NOT NULL,
    vnf_type         VARCHAR(64)      NOT NULL,
    capacity_mbps    DOUBLE PRECISION NOT NULL,
    max_chains       INTEGER          NOT NULL,
    reserved_mbps    DOUBLE PRECISION NOT NULL DEFAULT 0,
    reserved_chains  INTEGER          NOT NULL DEFAULT 0,
    offer_json       TEXT             NOT NULL,
    withdrawn        BOOLEAN          NOT NULL DEFAULT FALSE,
    updated_at       TIMESTAMPTZ      NOT NULL,
    CONSTRAINT offer_not_overbooked CHECK (reserved_mbps <= capacity_mbps + 1e-6 AND reserved_chains <= max_chains),
    CONSTRAINT offer_reservation_non_negative CHECK (reserved_mbps >= -1e-6 AND reserved_chains >= 0)
);
CREATE INDEX offer_by_type ON offer (vnf_type) WHERE NOT withdrawn;

-- Chains: the order, the selected concrete chain, and where the lifecycle stands.
CREATE TABLE chain (
    id                   VARCHAR(128)     PRIMARY KEY,
    buyer_id             VARCHAR(128)     NOT NULL,
    state                VARCHAR(32)      NOT NULL,
    reason               TEXT,
    order_json           TEXT             NOT NULL,
    concrete_json        TEXT,
    bandwidth_mbps       DOUBLE PRECISION NOT NULL,
    latency_ms           DOUBLE PRECISION,
    price_per_hour       DOUBLE PRECISION,
    created_at           TIMESTAMPTZ      NOT NULL,
    updated_at           TIMESTAMPTZ      NOT NULL,
    activated_at         TIMESTAMPTZ,
    deadline_at          TIMESTAMPTZ
);
CREATE INDEX chain_by_state_deadline ON chain (state, deadline_at);

-- One row per hop holding capacity on an offer; deleted when the capacity is released.
CREATE TABLE chain_reservation (
    chain_id  VARCHAR(128)     NOT NULL REFERENCES chain (id),
    hop_index INTEGER          NOT NULL,
    offer_id  VARCHAR(128)     NOT NULL REFERENCES offer (id),
    mbps      DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (chain_id, hop_index)
);
CREATE INDEX chain_reservation_by_offer ON chain_reservation (offer_id);

-- One row per provider domain a chain crosses: its segments, the last command sent and what it answered.
CREATE TABLE chain_domain (
    chain_id          VARCHAR(128) NOT NULL REFERENCES chain (id),
    provider_id       VARCHAR(128) NOT NULL,
    status            VARCHAR(32)  NOT NULL,
    command_id        VARCHAR(128) NOT NULL,
    segments_json     TEXT         NOT NULL,
    flow_entries_json TEXT         NOT NULL DEFAULT '[]',
    reason            TEXT,
    updated_at        TIMESTAMPTZ  NOT NULL,
    PRIMARY KEY (chain_id, provider_id)
);

-- Transactional outbox: events written with the state change, published by the relay, then deleted.
CREATE TABLE outbox (
    seq            BIGSERIAL    PRIMARY KEY,
    id             VARCHAR(64)  NOT NULL UNIQUE,
    aggregate_type VARCHAR(64)  NOT NULL,
    aggregate_id   VARCHAR(128) NOT NULL,
    type           VARCHAR(64)  NOT NULL,
    payload        TEXT,        -- null: a tombstone
    created_at     TIMESTAMPTZ  NOT NULL
);

-- Idempotent consumers: the events each consumer has applied, recorded in the same transaction.
CREATE TABLE processed_message (
    consumer     VARCHAR(64)  NOT NULL,
    event_id     VARCHAR(256) NOT NULL,
    processed_at TIMESTAMPTZ  NOT NULL,
    PRIMARY KEY (consumer, event_id)
);
