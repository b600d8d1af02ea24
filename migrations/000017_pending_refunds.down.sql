DROP INDEX refunds_pending;
