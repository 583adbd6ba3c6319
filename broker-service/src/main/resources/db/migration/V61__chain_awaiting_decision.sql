-- Since when a DEGRADED chain awaits its decision (a substitution, a proposal, or no alternative), recorded after the
-- transaction that degraded it; null once one is recorded or the chain leaves DEGRADED. The reconcile loop decides for
-- chains left waiting past a grace period.
ALTER TABLE chain ADD COLUMN awaiting_decision_since TIMESTAMPTZ;
