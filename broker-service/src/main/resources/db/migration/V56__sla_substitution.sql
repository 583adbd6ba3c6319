-- What the broker did about an SLA violation period, decided once per period: when it acted, the substitution it
-- started, proposed or recorded as impossible, and why in words (null until acted on).
ALTER TABLE sla_violation ADD COLUMN acted_at TIMESTAMPTZ;
ALTER TABLE sla_violation ADD COLUMN substitution_id VARCHAR(64);
ALTER TABLE sla_violation ADD COLUMN action VARCHAR(2000);
CREATE INDEX sla_violation_to_act ON sla_violation (started_at) WHERE ended_at IS NULL AND acted_at IS NULL;
