-- SLA records: a period during which a running chain's measured end-to-end latency exceeded its order's bound
-- (ended_at null while it lasts; one open period per chain).
CREATE TABLE sla_violation (
    id               VARCHAR(64)      PRIMARY KEY,
    chain_id         VARCHAR(128)     NOT NULL REFERENCES chain (id),
    buyer_id         VARCHAR(128)     NOT NULL,
    bound_ms         DOUBLE PRECISION NOT NULL,
    started_at       TIMESTAMPTZ      NOT NULL,
    ended_at         TIMESTAMPTZ,
    worst_latency_ms DOUBLE PRECISION NOT NULL,
    last_latency_ms  DOUBLE PRECISION NOT NULL,
    worst_part       VARCHAR(300)
);
CREATE UNIQUE INDEX sla_violation_open ON sla_violation (chain_id) WHERE ended_at IS NULL;
CREATE INDEX sla_violation_by_chain ON sla_violation (chain_id, started_at);
