-- A provider's new price reprices the running chains on its offer: their open segments are found by offer.
CREATE INDEX usage_segment_open_by_offer ON usage_segment (offer_id) WHERE ended_at IS NULL;
