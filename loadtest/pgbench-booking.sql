-- One booking as the service's PostgreSQL order repository writes it (pg_order_repository.cpp:
-- kCreate, then kConfirm): the order, its 2 seats and its outbox row in one statement, then the
-- confirmation with its 2 tickets and outbox row in another. Run by loadtest/bench-bookings.sh
-- with `pgbench -M prepared` (named statements, as the service) beside the service's own figure;
-- ids come from gen_random_uuid() so no run collides with another. Keep in step with kCreate and
-- kConfirm when they change.
WITH placed AS (INSERT INTO orders (id, show_id, user_id, hold_id, status, amount_minor, currency, customer_name,
  customer_email, customer_phone, payment_reference, trace_context, expires_at, created_at, updated_at, confirmed_at)
  VALUES (gen_random_uuid()::text, :show, 'pgbench-' || :client_id, gen_random_uuid()::text, 'PAYMENT_PENDING', 10000,
  'EUR', 'Pg Bench', 'pgbench@example.com', NULL, NULL, NULL,
  (extract(epoch from now()) * 1000)::bigint + 300000, (extract(epoch from now()) * 1000)::bigint,
  (extract(epoch from now()) * 1000)::bigint, NULL) RETURNING id, show_id),
seated AS (INSERT INTO order_seats (order_id, show_id, seat_id, tier, price_minor, active)
  SELECT placed.id, placed.show_id, s.seat_id, s.tier, s.price_minor, 1 FROM placed CROSS JOIN
  unnest(ARRAY['PGB-' || gen_random_uuid()::text, 'PGB-' || gen_random_uuid()::text], ARRAY['GOLD', 'GOLD'],
  ARRAY[5000, 5000]::bigint[]) AS s(seat_id, tier, price_minor)),
announced AS (INSERT INTO outbox (id, aggregate_type, aggregate_id, event_type, payload, headers, created_at,
  available_at) SELECT gen_random_uuid()::text, 'order', placed.id, 'order.created', '{"orderId":"x"}', '{}',
  (extract(epoch from now()) * 1000)::bigint, (extract(epoch from now()) * 1000)::bigint FROM placed)
SELECT id AS order_id FROM placed
\gset
WITH changed AS (UPDATE orders SET status = 'CONFIRMED', payment_reference = 'pgbench', confirmed_at =
  (extract(epoch from now()) * 1000)::bigint, updated_at = (extract(epoch from now()) * 1000)::bigint
  WHERE id = :order_id AND status = 'PAYMENT_PENDING' AND expires_at > (extract(epoch from now()) * 1000)::bigint
  RETURNING id, show_id, user_id, status, amount_minor, currency, customer_name, customer_email, expires_at,
  created_at, updated_at, confirmed_at),
issued AS (INSERT INTO tickets (code, order_id, show_id, seat_id, user_id, issued_at, voided)
  SELECT 'T-' || gen_random_uuid()::text, changed.id, changed.show_id, s.seat_id, changed.user_id,
  changed.confirmed_at, 0 FROM changed JOIN order_seats s ON s.order_id = changed.id),
announced AS (INSERT INTO outbox (id, aggregate_type, aggregate_id, event_type, payload, headers, created_at,
  available_at) SELECT gen_random_uuid()::text, 'order', changed.id, 'order.confirmed', '{"orderId":"x"}', '{}',
  changed.confirmed_at, changed.confirmed_at FROM changed)
SELECT changed.id, s.seat_id, s.tier, s.price_minor FROM changed LEFT JOIN order_seats s ON s.order_id = changed.id
  ORDER BY s.seat_id;
