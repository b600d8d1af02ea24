DROP INDEX refunds_request_key;
ALTER TABLE refunds DROP COLUMN request_key;
DROP TABLE refund_policies;
